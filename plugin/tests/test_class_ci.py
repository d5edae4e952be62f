"""The CI matrix examples in docs/ci/ grade each student in a job of its own, in the form
the README documents, and build the gradebook with `classroom merge`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
MERGE = "python -m pytest_kubelab.classroom merge grades/*/grade.json --out class"


def _load(name: str) -> Any:
    return yaml.safe_load((REPO / "docs" / "ci" / name).read_text(encoding="utf-8"))


def _scripts(job: dict[str, Any]) -> str:
    steps = job.get("steps") or []
    runs = [str(step.get("run", "")) for step in steps]
    return "\n".join([*runs, *(str(line) for line in job.get("script") or [])])


def test_github_matrix_grades_each_student_then_merges() -> None:
    workflow = _load("github-class-matrix.yml")
    grade, book = workflow["jobs"]["grade"], workflow["jobs"]["gradebook"]
    students = [entry["student"] for entry in grade["strategy"]["matrix"]["include"]]
    assert len(students) == len(set(students)) >= 2
    assert grade["strategy"]["fail-fast"] is False
    script = _scripts(grade)
    assert "pytest tests \\" in script and '"--kubeconfig=$RUNNER_TEMP/' in script
    assert "--grade-json=grades/${{ matrix.student }}/grade.json" in script
    assert "--lab-student=${{ matrix.student }}" in script
    assert book["needs"] == "grade" and book["if"] == "always()"
    assert MERGE in _scripts(book)


def test_gitlab_matrix_grades_each_student_then_merges() -> None:
    pipeline = _load("gitlab-class-matrix.yml")
    grade, book = pipeline["grade-student"], pipeline["gradebook"]
    students = [entry["STUDENT"] for entry in grade["parallel"]["matrix"]]
    assert len(students) == len(set(students)) >= 2
    script = _scripts(grade)
    assert 'pytest tests "--kubeconfig=$KUBECONFIG_FILE"' in script
    assert grade["variables"]["KUBELAB_STUDENT"] == "$STUDENT"
    assert "grades/$STUDENT/" in grade["artifacts"]["paths"]
    assert book["needs"] == ["grade-student"] and book["when"] == "always"
    assert MERGE in _scripts(book)
