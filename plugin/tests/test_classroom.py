"""CI helpers: per-checkpoint exit codes from the grade JSON and the generated Classroom workflow.

The workflow in docs/ci/ must match what the generator makes from the current
lab.yaml, so the points GitHub Classroom awards are the points the lab defines.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from pytest_kubelab.classroom import check, main, step_id, workflow
from pytest_kubelab.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
OBS_YAML = Path("tests/lab1_observability/lab.yaml")
DOC = REPO / "docs" / "ci" / "github-classroom-observability.yml"

GRADE = {
    "score": 2,
    "max_score": 3,
    "checkpoints": [
        {"id": "a.1", "outcome": "passed", "points": 2, "earned": 2, "title": "A", "message": ""},
        {
            "id": "a.2",
            "outcome": "failed",
            "points": 1,
            "earned": 0,
            "title": "B",
            "message": "2/3 nodes Ready",
            "hint": "run `kubectl get nodes`",
        },
    ],
}


@pytest.fixture
def grade_file(tmp_path: Path) -> Path:
    path = tmp_path / "grade.json"
    path.write_text(json.dumps(GRADE), encoding="utf-8")
    return path


def test_check_exit_codes_and_output(grade_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(grade_file, "a.1", "en") == 0
    assert check(grade_file, "a.2", "en") == 1
    out = capsys.readouterr().out
    assert "[a.1] passed (2/2) A" in out
    assert "[a.2] failed (0/1) B\n2/3 nodes Ready\nHint: run `kubectl get nodes`" in out


def test_check_missing_grade_or_checkpoint(
    grade_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "absent.json"), "a.1", "--lang", "en"]) == 1
    assert main(["check", str(grade_file), "zz.9", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "Cannot read the grade file" in out
    assert "Checkpoint zz.9 was not graded" in out


def test_workflow_awards_each_checkpoint_its_points(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    spec = load_spec(OBS_YAML)
    document = yaml.safe_load(workflow([OBS_YAML]))
    steps = document["jobs"]["run-autograding-tests"]["steps"]
    graders = {
        s["id"]: s["with"] for s in steps if "autograding-command-grader" in s.get("uses", "")
    }
    assert set(graders) == {step_id(c.id) for c in spec.checkpoints}
    for checkpoint in spec.checkpoints:
        grader = graders[step_id(checkpoint.id)]
        assert grader["max-score"] == checkpoint.points
        assert grader["command"].endswith(f"check grade.json {checkpoint.id} --lang ko")
    reporter = steps[-1]
    assert reporter["with"]["runners"].split(",") == [step_id(c.id) for c in spec.checkpoints]
    assert set(reporter["env"]) == {f"{step_id(c.id).upper()}_RESULTS" for c in spec.checkpoints}


def test_documented_workflow_is_current(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert DOC.read_text(encoding="utf-8") == workflow([OBS_YAML]), (
        "docs/ci/github-classroom-observability.yml is stale; regenerate it with "
        "`python -m pytest_kubelab.classroom workflow tests/lab1_observability/lab.yaml`"
    )
