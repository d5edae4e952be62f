"""The example lab (``examples/webapp_lab``) is graded with no edit of the package.

It is an instructor's lab folder outside ``tests/``: its own ``lab.yaml``, checkpoint
tests written with :mod:`pytest_kubelab.expect`, a check of its own (``checks.py``), its
own messages (``messages.yaml``) and two simulator scenarios of its own, one where the
lab is done and one with two everyday mistakes. ``docs/writing-a-lab.md`` builds it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.sim.runtime import REQUEST_LOG_ENV

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "webapp_lab"
ALL = ["web.1.cluster", "web.2.deployment", "web.2.resources", "web.3.service", "web.3.page"]


def _grade(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, scenario: str, *args: str
) -> tuple[pytest.RunResult, dict[str, Any], list[dict[str, Any]]]:
    shutil.copytree(
        EXAMPLE, pytester.path / "webapp_lab", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(REPO / "pyproject.toml", pytester.path / "pyproject.toml")
    grade, log = pytester.path / "grade.json", pytester.path / "requests.json"
    monkeypatch.setenv(REQUEST_LOG_ENV, str(log))
    result = pytester.runpytest_inprocess(
        "webapp_lab", "--lab-sim", scenario, "--lab-wait", "5", "--grade-json", str(grade), *args
    )
    data = json.loads(grade.read_text(encoding="utf-8"))
    return result, data, json.loads(log.read_text(encoding="utf-8"))


def test_the_done_lab_passes_every_checkpoint(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, grade, log = _grade(pytester, monkeypatch, "webapp-complete", "--lab-lang", "en")
    assert [(c["id"], c["outcome"]) for c in grade["checkpoints"]] == [
        (i, "passed") for i in ALL
    ], result.stdout.str()
    assert grade["score"] == grade["max_score"] == 8
    messages = {c["id"]: c["message"] for c in grade["checkpoints"]}
    assert "context kind-webapp-lab" in messages["web.1.cluster"]  # lab.yaml's cluster_name
    assert "Warning" not in messages["web.1.cluster"]
    assert "every container sets requests and limits (nginx)" in messages["web.2.resources"]
    assert "NodePort 30090 with 2 ready endpoint addresses" in messages["web.3.service"]
    assert log and {entry["method"] for entry in log} == {"GET"}


def test_two_mistakes_cost_exactly_their_points_with_the_labs_own_messages(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, grade, log = _grade(pytester, monkeypatch, "webapp-broken")
    outcomes = {c["id"]: c["outcome"] for c in grade["checkpoints"]}
    assert outcomes == {
        "web.1.cluster": "passed",
        "web.2.deployment": "passed",
        "web.2.resources": "failed",
        "web.3.service": "failed",
        "web.3.page": "failed",
    }
    assert grade["score"] == 3
    by_id = {c["id"]: c for c in grade["checkpoints"]}
    # The lab's own message (messages.yaml beside lab.yaml), in Korean by default.
    assert (
        "빠진 설정이 있습니다: nginx: limits.cpu, nginx: limits.memory"
        in (by_id["web.2.resources"]["message"])
    )
    assert "타입이 ClusterIP입니다" in by_id["web.3.service"]["message"]
    # The page fails because of the Service, and says so, without waiting out --lab-wait.
    assert by_id["web.3.page"]["cause"] == "web.3.service"
    assert "web.3.service" in by_id["web.3.page"]["message"]
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "[webapp." not in result.stdout.str()  # no message key rendered as a raw key
    assert log and {entry["method"] for entry in log} == {"GET"}


def test_the_labs_scenarios_are_found_in_its_folder(pytester: pytest.Pytester) -> None:
    shutil.copytree(EXAMPLE, pytester.path / "webapp_lab")
    result = pytester.runpytest_inprocess("webapp_lab", "--lab-sim", "no-such-scenario")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    accepted = result.stderr.str()
    assert "webapp-broken" in accepted and "webapp-complete" in accepted
