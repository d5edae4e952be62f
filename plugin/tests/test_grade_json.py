"""The grade file has exactly the documented shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LabRun = Any  # conftest.LabRun (conftest modules are not importable under importlib mode)

KEYS = {
    "id",
    "lab",
    "step",
    "title",
    "description",
    "outcome",
    "points",
    "earned",
    "message",
    "hint",
    "cause",
}
META = {
    "student",
    "labs",
    "context",
    "server",
    "grader",
    "grader_version",
    "started_at",
    "duration_s",
}


def test_grade_json_shape(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("two-nodes", "-m", "step1")
    grade = run.grade
    assert set(grade) == {"score", "max_score", "checkpoints", "meta"}
    assert isinstance(grade["score"], int) and isinstance(grade["max_score"], int)
    for entry in grade["checkpoints"]:
        assert set(entry) == KEYS
        assert entry["lab"] in ("observability", "kubecost")
        assert entry["outcome"] in ("passed", "failed", "skipped", "error")
        assert entry["earned"] == (entry["points"] if entry["outcome"] == "passed" else 0)
        assert entry["message"] and entry["hint"]
        # cause: the failed checkpoint that probably explains a failure, or that blocks a skip.
        assert entry["cause"] is None or entry["outcome"] in ("failed", "skipped")
    assert grade["score"] == sum(c["earned"] for c in grade["checkpoints"])
    assert grade["max_score"] == sum(c["points"] for c in grade["checkpoints"])
    assert grade["score"] < grade["max_score"]
    # The description is the checkpoint test's docstring in the run's language (Korean).
    nodes = next(c for c in grade["checkpoints"] if c["id"] == "obs.1.nodes")
    assert nodes["description"] == _korean_description("test_step1_cluster.py", "test_nodes")


def _korean_description(module: str, test: str) -> str:
    import ast

    from .conftest import REPO

    tree = ast.parse((REPO / "tests" / "lab1_observability" / module).read_text())
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == test)
    doc = ast.get_docstring(function) or ""
    korean = next((p for p in doc.split("\n\n") if p.startswith("ko:")), "")
    assert korean, f"{module}::{test} has no ko: paragraph"
    return " ".join(korean.removeprefix("ko:").split()).replace("``", "`")


def test_junit_properties_carry_the_checkpoint(
    run_lab: Callable[..., LabRun], lab_copy: Any
) -> None:
    junit = lab_copy / "junit.xml"
    run_lab("two-nodes", "-m", "step1", "--junitxml", str(junit), labs=("lab1_observability",))
    xml = junit.read_text(encoding="utf-8")
    assert '<property name="checkpoint" value="obs.1.nodes"' in xml
    assert '<property name="outcome" value="failed"' in xml
    assert '<property name="points" value="2"' in xml


def test_grade_json_meta_says_who_what_and_when(
    run_lab: Callable[..., LabRun], lab_copy: Any
) -> None:
    import hashlib
    import re

    from pytest_kubelab import __version__

    run = run_lab("two-nodes", "-m", "step1", "--lab-student", "김학생")
    meta = run.grade["meta"]
    assert set(meta) == META
    assert meta["student"] == "김학생"
    assert meta["context"] == "kind-lab-cluster"
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", meta["server"])
    assert meta["grader"] == "pytest-kubelab" and meta["grader_version"] == __version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", meta["started_at"])
    assert 0 < meta["duration_s"] < 120
    assert [lab["name"] for lab in meta["labs"]] == ["observability", "kubecost"]
    for lab in meta["labs"]:
        path = lab_copy / lab["lab_yaml"]  # relative to the rootdir
        assert lab["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
