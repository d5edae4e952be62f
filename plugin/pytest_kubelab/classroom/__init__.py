"""Class tooling: grade a whole class, merge grade files, and CI helpers.

``grade`` grades each student's cluster in its own pytest process and writes a
gradebook; ``merge`` builds the same gradebook from grade files made elsewhere
(one CI job per student)::

    python -m pytest_kubelab.classroom grade kubeconfigs/*.kubeconfig --out class/ --jobs 4
    python -m pytest_kubelab.classroom grade --class-file class.yaml --out class/ -- -m step3
    python -m pytest_kubelab.classroom merge grades/*.json --out class/

GitHub Classroom awards points per "test" step (exit code 0 = all its points).
Running the lab once and then asking the grade JSON about each checkpoint keeps
``needs`` blocking and waiting consistent with a local run, and costs one run::

    python -m pytest_kubelab.classroom check grade.json obs.1.nodes
    python -m pytest_kubelab.classroom workflow examples/webapp_lab/lab.yaml > classroom.yml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ..catalog import DEFAULT_LANGUAGE, LANGUAGES, render
from ..spec import load_spec

GRADE_FILE = "grade.json"
REPORT_FILE = "report.html"


def check(grade_path: Path, checkpoint_id: str, lang: str = DEFAULT_LANGUAGE) -> int:
    """Print one checkpoint's outcome, message and hint; 0 when it passed."""
    try:
        grade = json.loads(grade_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(render("classroom.no_grade", lang, path=grade_path))
        return 1
    entry = next((c for c in grade.get("checkpoints") or [] if c.get("id") == checkpoint_id), None)
    if entry is None:
        print(render("classroom.not_graded", lang, id=checkpoint_id))
        return 1
    outcome = str(entry.get("outcome"))
    print(
        f"[{checkpoint_id}] {render('outcome.' + outcome, lang)} "
        f"({entry.get('earned', 0)}/{entry.get('points', 0)}) {entry.get('title', '')}"
    )
    if entry.get("message"):
        print(entry["message"])
    if outcome != "passed" and entry.get("hint"):
        print(f"{render('label.hint', lang)}: {entry['hint']}")
    return 0 if outcome == "passed" else 1


def step_id(checkpoint_id: str) -> str:
    """A GitHub Actions step id for a checkpoint id (letters, digits, - and _)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", checkpoint_id)


def workflow(lab_files: Sequence[Path], lang: str = DEFAULT_LANGUAGE) -> str:
    """A GitHub Classroom workflow that grades once and awards points per checkpoint."""
    specs = [load_spec(path) for path in lab_files]
    lab_dirs = " ".join(path.parent.as_posix() for path in lab_files)
    steps: list[dict[str, Any]] = [
        {"name": "Checkout", "uses": "actions/checkout@v4"},
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {
            "name": "Install the grader",
            # Replace with where your course publishes pytest-kubelab.
            "run": 'pip install "pytest-kubelab @ git+https://github.com/OWNER/pytest-kubelab"',
        },
        {
            "name": "Build the lab with the student's scripts",
            # A failing script must not stop grading: the report says what is missing.
            "run": 'for script in step*.sh; do bash "$script" || true; done',
            "continue-on-error": True,
        },
        {
            "name": "Grade the lab once",
            "run": (
                f"pytest {lab_dirs} --lab-lang {lang} --grade-json {GRADE_FILE} "
                f"--html={REPORT_FILE} --self-contained-html --junitxml=junit.xml || true"
            ),
        },
        {
            "name": "Keep the report",
            "if": "always()",
            "uses": "actions/upload-artifact@v4",
            "with": {"name": "lab-report", "path": f"{REPORT_FILE}\n{GRADE_FILE}\njunit.xml"},
        },
    ]
    runners: list[str] = []
    for spec in specs:
        for checkpoint in spec.checkpoints:
            sid = step_id(checkpoint.id)
            runners.append(sid)
            steps.append(
                {
                    "name": f"{checkpoint.id}: {checkpoint.title_in(lang)}",
                    "id": sid,
                    "uses": "classroom-resources/autograding-command-grader@v1",
                    "with": {
                        "test-name": f"{checkpoint.id} {checkpoint.title_in(lang)}",
                        "command": (
                            f"python -m pytest_kubelab.classroom check {GRADE_FILE} "
                            f"{checkpoint.id} --lang {lang}"
                        ),
                        "timeout": 1,
                        "max-score": checkpoint.points,
                    },
                }
            )
    steps.append(
        {
            "name": "Autograding Reporter",
            "uses": "classroom-resources/autograding-grading-reporter@v1",
            "env": {f"{r.upper()}_RESULTS": f"${{{{steps.{r}.outputs.result}}}}" for r in runners},
            "with": {"runners": ",".join(runners)},
        }
    )
    document = {
        "name": "Autograding Tests",
        "on": ["push", "workflow_dispatch", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {
            "run-autograding-tests": {
                "runs-on": "ubuntu-latest",
                "if": "github.actor != 'github-classroom[bot]'",
                "timeout-minutes": 60,
                "steps": steps,
            }
        },
    }
    header = (
        "# Generated by `python -m pytest_kubelab.classroom workflow "
        + " ".join(str(p) for p in lab_files)
        + "`.\n# Regenerate it when lab.yaml changes; points come from lab.yaml.\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return header + body


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks, as people write workflows by hand."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; options after ``--`` go to every student's pytest run."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in args_in:
        at = args_in.index("--")
        args_in, extra = args_in[:at], args_in[at + 1 :]
    parser = argparse.ArgumentParser(prog="python -m pytest_kubelab.classroom")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="exit 0 when a checkpoint passed")
    check_cmd.add_argument("grade", type=Path)
    check_cmd.add_argument("checkpoint")
    check_cmd.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    flow_cmd = commands.add_parser("workflow", help="print a GitHub Classroom workflow")
    flow_cmd.add_argument("lab_yaml", type=Path, nargs="+")
    flow_cmd.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    _add_grade_command(commands)
    merge_cmd = commands.add_parser(
        "merge", help="build class.csv and class.html from grade files (one CI job each)"
    )
    merge_cmd.add_argument("grades", type=Path, nargs="+", metavar="GRADE_JSON")
    merge_cmd.add_argument("--out", type=Path, required=True, metavar="DIR")
    merge_cmd.add_argument("--lang", choices=LANGUAGES, default=None)
    args = parser.parse_args(args_in)
    if args.command == "check":
        return check(args.grade, args.checkpoint, args.lang)
    if args.command == "workflow":
        sys.stdout.write(workflow(args.lab_yaml, args.lang))
        return 0
    from .commands import grade_command, merge_command

    if args.command == "merge":
        return merge_command(args.grades, args.out, args.lang or _lang_of(extra))
    return grade_command(args, extra, args.lang or _lang_of(extra))


def _add_grade_command(commands: Any) -> None:
    from .runner import CLASS_DEADLINE, CLASS_WAIT, STUDENT_TIMEOUT

    grade_cmd = commands.add_parser(
        "grade",
        help="grade every student's cluster, each in its own pytest process",
        description=(
            "Grade each kubeconfig (or each student of --class-file) in its own pytest "
            "process and write OUT/<student>/{grade.json,junit.xml,report.html}, "
            "OUT/class.csv and OUT/class.html. Options after `--` go to pytest."
        ),
    )
    grade_cmd.add_argument("kubeconfigs", type=Path, nargs="*", metavar="KUBECONFIG")
    grade_cmd.add_argument("--out", type=Path, required=True, metavar="DIR")
    grade_cmd.add_argument("--jobs", type=int, default=2, help="students graded at once (2)")
    grade_cmd.add_argument(
        "--class-file",
        type=Path,
        help="YAML or CSV: student, kubeconfig, context, node_address, nodeport_map",
    )
    grade_cmd.add_argument(
        "--tests",
        type=Path,
        nargs="+",
        default=[Path("tests")],
        help="the lab's test folders (default: tests, in the current directory)",
    )
    grade_cmd.add_argument(
        "--lab-wait",
        type=float,
        default=CLASS_WAIT,
        help=f"longest wait per checkpoint (default for a class: {CLASS_WAIT:g} s)",
    )
    grade_cmd.add_argument(
        "--lab-deadline",
        type=float,
        default=CLASS_DEADLINE,
        help=f"each student's run-wide budget (default for a class: {CLASS_DEADLINE:g} s)",
    )
    grade_cmd.add_argument(
        "--student-timeout",
        type=float,
        default=STUDENT_TIMEOUT,
        help=f"stop a student's run after this many seconds (default: {STUDENT_TIMEOUT:g})",
    )
    grade_cmd.add_argument("--lang", choices=LANGUAGES, default=None)


def _lang_of(extra: Sequence[str]) -> str:
    """The language given to pytest after ``--`` (``--lab-lang en``), else Korean."""
    for index, arg in enumerate(extra):
        if arg == "--lab-lang" and index + 1 < len(extra):
            value = extra[index + 1]
        elif arg.startswith("--lab-lang="):
            value = arg.split("=", 1)[1]
        else:
            continue
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE
