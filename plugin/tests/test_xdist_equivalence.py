"""`pytest -n N` (pytest-xdist) grades exactly like a serial run.

Each scenario is served once by a simulator in this process and graded through
``--kubeconfig`` and ``--nodeport-map``, serially and with ``-n 2`` and/or ``-n 4``,
so even the messages, which name the API server, must be equal. Compared:
the grade JSON (all of it but ``meta.started_at`` and ``meta.duration_s``), the score
summary on the terminal, and the JUnit XML test cases with their properties and
failure texts, in order. A last test grades ``--lab-sim`` under ``-n 2``, where the
workers must reach the simulator that the controller started.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.catalog import render
from pytest_kubelab.sim.runtime import start

pytest.importorskip("xdist")

TIMING = ("started_at", "duration_s")
# Scenario -> worker counts to compare with its serial run (each run costs seconds).
SCENARIOS = {
    "complete": ("2", "4"),
    "worker-notready": ("2",),
    "obs-demo-imagepull": ("4",),
    "cost-hpa-min": ("2",),
}


def _comparable(grade: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in grade["meta"].items() if k not in TIMING}
    return {**grade, "meta": meta}


def _summary(text: str) -> list[str]:
    """The kubelab score summary block of the terminal output."""
    lines = text.splitlines()
    title = render("summary.title", "ko")
    start_at = next(i for i, line in enumerate(lines) if title in line)
    end = next(i for i, line in enumerate(lines) if line.startswith("kubelab: grade written"))
    return lines[start_at:end]


def _junit(path: Path) -> list[tuple[Any, ...]]:
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        props = tuple(
            (p.get("name"), p.get("value")) for p in case.iter("property")
        )  # checkpoint, points, outcome, earned
        results = tuple(
            (child.tag, child.get("message"), child.get("type"), child.text)
            for child in case
            if child.tag in ("failure", "skipped", "error")
        )
        cases.append((case.get("classname"), case.get("name"), props, results))
    return cases


def _grade(
    pytester: pytest.Pytester, lab_copy: Path, tag: str, args: list[str]
) -> tuple[dict[str, Any], list[str], list[tuple[Any, ...]], str]:
    grade, junit = lab_copy / f"grade-{tag}.json", lab_copy / f"junit-{tag}.xml"
    # The serial run is a pytest session in this process (cheaper); an xdist controller
    # gets a process of its own, as its workers do.
    parallel = "-n" in args
    run = pytester.runpytest_subprocess if parallel else pytester.runpytest_inprocess
    result = run(
        str(lab_copy / "tests"),
        "--grade-json",
        str(grade),
        f"--junitxml={junit}",
        "--lab-wait",
        "3",
        *args,
    )
    text = result.stdout.str()
    assert grade.exists(), text[-3000:]
    data = json.loads(grade.read_text(encoding="utf-8"))
    return data, _summary(text), _junit(junit), text


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_xdist_gives_the_serial_grade(
    pytester: pytest.Pytester, lab_copy: Path, scenario: str
) -> None:
    with start(scenario) as sim:
        ports = ",".join(f"{node}=127.0.0.1:{local}" for node, local in sim.nodeport_map.items())
        target = [f"--kubeconfig={sim.kubeconfig}", "--node-address", "127.0.0.1"]
        if ports:
            target += ["--nodeport-map", ports]
        serial = _grade(pytester, lab_copy, "serial", target)
        for workers in SCENARIOS[scenario]:
            grade, summary, junit, text = _grade(
                pytester, lab_copy, f"n{workers}", [*target, "-n", workers]
            )
            assert re.search(rf"created: {workers}/{workers} workers", text), text[-2000:]
            assert _comparable(grade) == _comparable(serial[0]), f"-n {workers}"
            assert summary == serial[1], f"-n {workers}"
            assert junit == serial[2], f"-n {workers}"
    # The checkpoints and what a serial run of them gives.
    assert len(serial[0]["checkpoints"]) == 41
    assert serial[0]["meta"]["server"] == sim.server_url


def test_lab_sim_reaches_the_workers(pytester: pytest.Pytester, lab_copy: Path) -> None:
    # Two runs start two simulators on different ports: compare with the port masked.
    def masked(grade: dict[str, Any]) -> str:
        return re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", json.dumps(_comparable(grade)))

    serial = _grade(pytester, lab_copy, "sim-serial", ["--lab-sim", "obs-demo-selector"])
    spread = _grade(pytester, lab_copy, "sim-n2", ["--lab-sim", "obs-demo-selector", "-n", "2"])
    assert masked(spread[0]) == masked(serial[0])
    outcomes = {c["id"]: c["outcome"] for c in spread[0]["checkpoints"]}
    assert outcomes["obs.2.grafana-nodeport"] == "passed"  # a NodePort through the sim's map
    assert outcomes["obs.5.web-service"] == "failed"


class _Config:
    def __init__(self, dist: str) -> None:
        self.dist = dist

    def getvalue(self, name: str) -> str:
        assert name == "dist"
        return self.dist


def test_other_projects_keep_xdists_scheduling() -> None:
    from pytest_kubelab.distributed import DistributedGrading

    config: Any = _Config("loadfile")
    plugin = DistributedGrading(config, is_lab_run=lambda c: False)
    assert plugin.pytest_xdist_make_scheduler(config, log=None) is None
    each: Any = _Config("each")
    assert DistributedGrading(each, lambda c: True).pytest_xdist_make_scheduler(each, None) is None
