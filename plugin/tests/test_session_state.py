"""Per-run state: two pytest runs in one process share no redactor, lab messages, specs or
scenario folders.

The self-tests start many lab runs inside their own process (``pytester.runpytest()``);
each must see exactly what a run in a fresh process would: no Secret value, message key
or parsed ``lab.yaml`` of an earlier run, and nothing of its own left behind afterwards.
"""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab import sessionscope
from pytest_kubelab.catalog import add_lab_messages, messages, render
from pytest_kubelab.redact import MASK, REDACTOR, redact
from pytest_kubelab.sim.scenario import available_scenarios, use_lab_folders
from pytest_kubelab.spec import load_spec

from .conftest import REPO, FakeConfig

SECRET = "per-run-secret-4711"

LAB_YAML = textwrap.dedent(
    """
    lab: scoped
    title: {ko: 범위 실습, en: Scoped lab}
    checkpoints:
      - {id: s.1.a, step: 1, points: POINTS, title: {ko: 가, en: A}, hint: {ko: 힌트, en: hint}}
    """
)
MESSAGES_YAML = textwrap.dedent(
    """
    scoped.greeting:
      ko: "안녕하세요 VERSION"
      en: "Hello VERSION"
    """
)
# The checkpoint remembers a secret (as the cluster reader does with Secret data) and
# writes it, with this run's lab message, into its failure message.
TEST_FILE = textwrap.dedent(
    f"""
    import pytest
    from pytest_kubelab.catalog import render
    from pytest_kubelab.redact import REDACTOR
    from pytest_kubelab.verdict import failed

    @pytest.mark.checkpoint("s.1.a")
    def test_a(lab):
        REDACTOR.remember("{SECRET}")
        print("greeting:", render("scoped.greeting", "en"))
        lab.require(lambda lab: failed("nodes.none"))
    """
)


def _write_lab(root: Path, points: int, version: str) -> Path:
    folder = root / "scoped"
    folder.mkdir(exist_ok=True)
    (folder / "lab.yaml").write_text(LAB_YAML.replace("POINTS", str(points)), encoding="utf-8")
    (folder / "messages.yaml").write_text(
        MESSAGES_YAML.replace("VERSION", version), encoding="utf-8"
    )
    (folder / "test_scoped.py").write_text(TEST_FILE, encoding="utf-8")
    # The simulated cluster: a lab's scenarios live in its own scenarios/ folder.
    if not (folder / "scenarios").exists():
        shared = REPO / "tests" / "scenarios"
        shutil.copytree(shared / "base", folder / "scenarios" / "base")
        shutil.copy(shared / "fresh.yaml", folder / "scenarios" / "fresh.yaml")
    return folder


def _grade_in_process(pytester: pytest.Pytester, tag: str) -> tuple[pytest.RunResult, Any]:
    grade = pytester.path / f"grade-{tag}.json"
    result = pytester.runpytest_inprocess(
        "scoped", "--lab-sim", "fresh", "--lab-wait", "0", "--grade-json", str(grade), "-s"
    )
    return result, json.loads(grade.read_text(encoding="utf-8"))


def test_two_runs_in_one_process_share_nothing(pytester: pytest.Pytester, outer_run: None) -> None:
    _write_lab(pytester.path, points=1, version="v1")
    first, grade = _grade_in_process(pytester, "first")
    assert grade["max_score"] == 1, first.stdout.str()
    assert "greeting: Hello v1" in first.stdout.str()

    # Nothing of the inner run is left in this (outer) run.
    assert "scoped.greeting" not in messages()
    assert redact(f"value {SECRET}") == f"value {SECRET}"

    # A changed lab.yaml and messages.yaml in the same folder are read again.
    _write_lab(pytester.path, points=5, version="v2")
    second, grade = _grade_in_process(pytester, "second")
    assert grade["max_score"] == 5, second.stdout.str()
    assert "greeting: Hello v2" in second.stdout.str()
    assert "Hello v1" not in second.stdout.str()


def test_a_run_does_not_inherit_the_outer_runs_state(
    pytester: pytest.Pytester, tmp_path: Path, outer_run: None
) -> None:
    # State of this (outer) run: a remembered secret, a lab's messages, a loaded spec.
    outer_lab = _write_lab(tmp_path, points=3, version="outer")
    add_lab_messages(outer_lab)
    REDACTOR.remember("outer-run-secret-0815")
    assert load_spec(outer_lab / "lab.yaml").max_score == 3
    assert render("scoped.greeting", "en") == "Hello outer"

    # The inner run loads a lab of the same keys from another folder: in one scope that
    # would be a key clash; each run has its own messages.
    _write_lab(pytester.path, points=2, version="inner")
    result, grade = _grade_in_process(pytester, "inner")
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    assert grade["max_score"] == 2
    assert "greeting: Hello inner" in result.stdout.str()

    # The outer run's state is as it was.
    assert render("scoped.greeting", "en") == "Hello outer"
    assert redact("x outer-run-secret-0815") == f"x {MASK}"
    assert load_spec(outer_lab / "lab.yaml").max_score == 3


def test_scenario_folders_are_per_run(
    pytester: pytest.Pytester, tmp_path: Path, outer_run: None
) -> None:
    # This (outer) run grades a lab with a scenario of its own.
    outer_lab = _write_lab(tmp_path, points=1, version="outer")
    shutil.copy(outer_lab / "scenarios" / "fresh.yaml", outer_lab / "scenarios" / "outer.yaml")
    use_lab_folders([outer_lab])
    assert available_scenarios() == ["fresh", "outer"]

    # The inner run finds only its own lab's scenarios: the outer one is unknown there.
    _write_lab(pytester.path, points=1, version="inner")
    inner = pytester.path / "scoped" / "scenarios"
    shutil.copy(inner / "fresh.yaml", inner / "inner.yaml")
    refused = pytester.runpytest_inprocess("scoped", "--lab-sim", "outer")
    assert refused.ret == pytest.ExitCode.USAGE_ERROR
    assert "--lab-sim accepts one of: fresh, inner (got 'outer')" in refused.stderr.str()
    graded = pytester.runpytest_inprocess("scoped", "--lab-sim", "inner", "--lab-wait", "0")
    assert graded.ret == pytest.ExitCode.TESTS_FAILED, graded.stdout.str()

    # Afterwards this run's scenarios are its own again.
    assert available_scenarios() == ["fresh", "outer"]


def test_nested_scopes_close_innermost_first_and_drop_orphans(outer_run: None) -> None:
    state: sessionscope.SessionState[list[str]] = sessionscope.SessionState(list)
    state.get().append("outer")
    first, second = FakeConfig(), FakeConfig()
    sessionscope.open_scope(first)  # type: ignore[arg-type]
    assert state.get() == []
    state.get().append("first")
    assert sessionscope.open_scope(first) is first.stash[sessionscope.SCOPE_KEY]  # type: ignore[arg-type]
    sessionscope.open_scope(second)  # type: ignore[arg-type]
    state.get().append("second")
    # The first run closes while the second (nested in it) never did: both are gone.
    first.close()
    assert state.get() == ["outer"]
    second.close()  # closing an orphan later changes nothing
    assert state.get() == ["outer"]
