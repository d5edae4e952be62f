"""A lab's checkpoints as a readable spec: generated from ``lab.yaml`` and its tests.

Each checkpoint's description is its test's docstring, and what it asserts is the
test's body, so the spec a reader sees is the code that grades. The page lists, per
step, every checkpoint with its points, title, descriptions (English and Korean, read
by :mod:`pytest_kubelab.description` as the report and the grade JSON read them),
blocking rules, the build fixtures its test requests (``pytest.mark.usefixtures`` on
the test or in the file's ``pytestmark``: what ``--lab-provision`` builds for it) and
the test body. The tests are read with :mod:`ast`, never imported, so generating the
page runs none of the lab's code::

    python -m pytest_kubelab.specdoc examples/webapp_lab > docs/spec/webapp.md
    python -m pytest_kubelab.specdoc examples/webapp_lab --check docs/spec/webapp.md

``--check`` exits 1 when the file is not what would be generated (a test or ``lab.yaml``
changed without the page), so CI keeps the page honest.
"""

from __future__ import annotations

import argparse
import ast
import sys
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .description import Description, parse
from .spec import LabSpec, load_spec

MARK = "checkpoint"
USEFIXTURES = "usefixtures"
NO_KOREAN = "(none: Korean runs show the English description)"


class SpecDocError(Exception):
    """The lab folder's tests and ``lab.yaml`` do not match one test per checkpoint."""


@dataclass(frozen=True)
class CheckpointTest:
    """One checkpoint test as written: where it is, its docstring, its body and the
    fixtures it requests through ``usefixtures`` (the file's ``pytestmark`` first)."""

    checkpoint_id: str
    path: Path
    name: str
    docstring: str  # as written, cleaned of its indentation
    body: str
    fixtures: tuple[str, ...] = ()

    @property
    def description(self) -> Description:
        """The English and Korean descriptions its docstring gives."""
        return parse(self.docstring)


def _checkpoint_id(decorator: ast.expr) -> str | None:
    """The id of ``@pytest.mark.checkpoint("id")`` (or ``@mark.checkpoint``), else None."""
    if not isinstance(decorator, ast.Call) or not decorator.args:
        return None
    func = decorator.func
    if not (isinstance(func, ast.Attribute) and func.attr == MARK):
        return None
    first = decorator.args[0]
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def _usefixtures(mark: ast.expr) -> list[str]:
    """The names of ``pytest.mark.usefixtures("a", "b")``; nothing for another mark."""
    if not isinstance(mark, ast.Call):
        return []
    func = mark.func
    if not (isinstance(func, ast.Attribute) and func.attr == USEFIXTURES):
        return []
    return [a.value for a in mark.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def _module_usefixtures(module: ast.Module) -> list[str]:
    """The fixtures of a test file's ``pytestmark`` (one mark or a list of marks)."""
    names: list[str] = []
    for statement in module.body:
        if not isinstance(statement, ast.Assign):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets):
            continue
        value = statement.value
        marks = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        for mark in marks:
            names += _usefixtures(mark)
    return names


def _body_without_docstring(node: ast.FunctionDef, source: str) -> str:
    statements = node.body
    first = statements[0] if statements else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        statements = statements[1:]
    lines = source.splitlines()
    if not statements:
        return ""
    start = statements[0].lineno - 1
    end = statements[-1].end_lineno or statements[-1].lineno
    return textwrap.dedent("\n".join(lines[start:end]))


def checkpoint_tests(folder: Path) -> Iterator[CheckpointTest]:
    """Every test function in ``folder``'s ``test_*.py`` marked with a checkpoint id."""
    for path in sorted(folder.glob("test_*.py")):
        source = path.read_text(encoding="utf-8")
        module = ast.parse(source, str(path))
        file_fixtures = _module_usefixtures(module)
        for node in ast.walk(module):
            if not isinstance(node, ast.FunctionDef):
                continue
            own = [name for d in node.decorator_list for name in _usefixtures(d)]
            fixtures = tuple(dict.fromkeys(file_fixtures + own))
            for decorator in node.decorator_list:
                checkpoint_id = _checkpoint_id(decorator)
                if checkpoint_id is not None:
                    yield CheckpointTest(
                        checkpoint_id,
                        path,
                        node.name,
                        ast.get_docstring(node) or "",
                        _body_without_docstring(node, source),
                        fixtures,
                    )


def checkpoint_tests_of(spec: LabSpec) -> dict[str, CheckpointTest]:
    """The one test of each checkpoint; a missing, unknown or doubled test is an error."""
    found: dict[str, CheckpointTest] = {}
    for test in checkpoint_tests(spec.path.parent):
        if test.checkpoint_id in found:
            other = found[test.checkpoint_id]
            raise SpecDocError(
                f"{test.checkpoint_id} has two tests: {other.path.name}::{other.name} "
                f"and {test.path.name}::{test.name}"
            )
        found[test.checkpoint_id] = test
    ids = {c.id for c in spec.checkpoints}
    unknown = sorted(set(found) - ids)
    missing = [c.id for c in spec.checkpoints if c.id not in found]
    if unknown or missing:
        raise SpecDocError(
            f"{spec.path}: checkpoints without a test: {', '.join(missing) or '-'}; "
            f"tests of unknown checkpoints: {', '.join(unknown) or '-'}"
        )
    return found


def _ids(ids: Sequence[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids) or "—"


def render(spec: LabSpec) -> str:
    """The Markdown page of ``spec``'s checkpoints (English titles, Korean beside them)."""
    tests = checkpoint_tests_of(spec)
    total = sum(c.points for c in spec.checkpoints)
    out = [
        f"# {spec.title.get('en', spec.name)}",
        "",
        f"{spec.title.get('ko', '')}",
        "",
        "<!-- Generated by `python -m pytest_kubelab.specdoc "
        f"{spec.path.parent.name}`; do not edit: edit lab.yaml or the tests. -->",
        "",
        f"Lab `{spec.name}`: {len(spec.checkpoints)} checkpoints, {total} points. Each "
        "checkpoint's description is its test's docstring (its first paragraph in English, its "
        "`ko:` paragraph in Korean); the code block is the test's body, which is what grades "
        "it, with the values of `lab.yaml`'s `expected:`, shown first. Build fixtures are the "
        "installations its test requests: what `--lab-provision` builds (with everything "
        "before them in `provision.yaml`) before grading it.",
        "",
        "## Expected values (`lab.expected`)",
        "",
        "```yaml",
        yaml.safe_dump(dict(spec.expected), sort_keys=False, allow_unicode=True, width=96).rstrip(),
        "```",
    ]
    for step in spec.steps:
        out += ["", f"## Step {step}"]
        for checkpoint in (c for c in spec.checkpoints if c.step == step):
            test = tests[checkpoint.id]
            out += [
                "",
                f"### `{checkpoint.id}` — {checkpoint.title.get('en', '')} ({checkpoint.points} "
                f"point{'s' if checkpoint.points != 1 else ''})",
                "",
                f"{checkpoint.title.get('ko', '')}",
                "",
                f"Description: {test.description.en or '(none)'}",
                "",
                f"설명: {test.description.ko or NO_KOREAN}",
                "",
                f"Needs: {_ids(checkpoint.needs)}. Likely causes: {_ids(checkpoint.causes)}. "
                f"Build fixtures: {_ids(test.fixtures)}. "
                f"Test: `{test.path.name}::{test.name}`.",
                "",
                "```python",
                test.body,
                "```",
            ]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_kubelab.specdoc",
        description="Print a lab's checkpoints, descriptions and assertions as Markdown.",
    )
    parser.add_argument("folder", type=Path, help="the lab folder (holding lab.yaml)")
    parser.add_argument("--check", type=Path, help="exit 1 unless this file is up to date")
    args = parser.parse_args(argv)
    try:
        page = render(load_spec(args.folder / "lab.yaml"))
    except SpecDocError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check is None:
        sys.stdout.write(page)
        return 0
    current = args.check.read_text(encoding="utf-8") if args.check.is_file() else ""
    if current != page:
        print(
            f"{args.check} is out of date; regenerate it with "
            f"`python -m pytest_kubelab.specdoc {args.folder} > {args.check}`",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
