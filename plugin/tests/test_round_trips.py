"""Fewer round trips: nothing is read twice in a run, and run-constant answers are kept."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.kube.transport import KubeApi
from pytest_kubelab.sim.runtime import REQUEST_LOG_ENV, start


def test_version_is_asked_once_per_run() -> None:
    with start("complete") as sim:
        api = KubeApi(sim.kubeconfig, None)
        try:
            first = api.get_json("/version")
            second = api.get_json("/version")
        finally:
            api.close()
        asked = [path for method, path in sim.request_log if path == "/version"]
    assert first == second and first is not None and "gitVersion" in first
    assert asked == ["/version"]
    assert api.requests == 1


def test_a_complete_run_reads_nothing_twice(
    run_lab: Callable[..., Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "requests.json"
    monkeypatch.setenv(REQUEST_LOG_ENV, str(log))
    run = run_lab("complete")
    assert run.grade["score"] == run.grade["max_score"]
    entries = json.loads(log.read_text(encoding="utf-8"))
    reads = Counter((e["method"], e["path"], e["query"]) for e in entries)
    assert entries and {method for method, _, _ in reads} == {"GET"}
    assert [read for read, count in reads.items() if count > 1] == []
