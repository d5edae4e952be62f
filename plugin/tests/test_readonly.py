"""Grade mode never writes: the simulator's request log holds GETs only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A sandbox conftest that dumps the simulator's request log when the session ends.
DUMP_LOG = """
import json, os
from pytest_kubelab.plugin import SIM_KEY

def pytest_sessionfinish(session):
    handle = session.config.stash.get(SIM_KEY, None)
    log = handle.cluster.request_log if handle else []
    with open(os.environ["SIM_LOG_OUT"], "w") as out:
        json.dump(log, out)
"""


@pytest.mark.parametrize("scenario", ["complete", "fresh", "two-nodes", "worker-notready"])
def test_grading_sends_only_get_requests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, scenario: str
) -> None:
    # The two labs and the scenarios of the cluster they share.
    for folder in ("lab1_observability", "lab1_kubecost", "scenarios"):
        shutil.copytree(
            REPO / "tests" / folder,
            pytester.path / "tests" / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(REPO / "pyproject.toml", pytester.path / "pyproject.toml")
    pytester.makeconftest(DUMP_LOG)
    out = pytester.path / "log.json"
    monkeypatch.setenv("SIM_LOG_OUT", str(out))
    pytester.runpytest_inprocess("tests", "--lab-sim", scenario, "--lab-wait", "5")
    log = json.loads(out.read_text(encoding="utf-8"))
    assert log, "the run made no API requests at all"
    assert {method for method, _ in log} == {"GET"}
