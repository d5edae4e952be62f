"""Proofs over EVERY scenario: grading is read-only and never writes a secret anywhere.

Each scenario is graded once, as a pytest run inside this process like most self-tests
(its state is its own: :mod:`pytest_kubelab.sessionscope`), with the HTML report, the
JUnit XML, the grade JSON and verbose terminal output all on; two scenarios are graded
again in a process of their own, exactly as a student runs them. The
simulator's request log (exported through ``KUBELAB_SIM_LOG``) must hold GETs only, and
none of the outputs may contain a Secret value of that scenario or the kubeconfig token
(values the lab text publishes, quoted in the static message catalog, excepted).
New scenarios are covered automatically.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_kubelab.catalog import add_lab_messages, messages
from pytest_kubelab.sim.runtime import REQUEST_LOG_ENV, SIM_TOKEN
from pytest_kubelab.sim.scenario import available_scenarios, load_scenario

from .conftest import LABS, REPO, LabRun

# The catalog a run of the labs has: the package's messages and the labs' own.
for _lab in LABS:
    add_lab_messages(REPO / "tests" / _lab)


@pytest.mark.parametrize("scenario", available_scenarios())
def test_grading_is_read_only_and_leaks_no_secret(
    scenario: str,
    run_lab: Callable[..., LabRun],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _assert_read_only_without_leaks(scenario, run_lab, tmp_path, monkeypatch)


@pytest.mark.parametrize("scenario", ["complete", "fault-secrets-in-text"])
def test_a_students_own_process_is_read_only_and_leaks_no_secret(
    scenario: str,
    run_lab: Callable[..., LabRun],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _assert_read_only_without_leaks(scenario, run_lab, tmp_path, monkeypatch, subprocess=True)


def _assert_read_only_without_leaks(
    scenario: str,
    run_lab: Callable[..., LabRun],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    subprocess: bool = False,
) -> None:
    log_path = tmp_path / "requests.json"
    html, junit = tmp_path / "report.html", tmp_path / "junit.xml"
    monkeypatch.setenv(REQUEST_LOG_ENV, str(log_path))
    # A scenario that models a short CI deadline spends all of it by design; how the run
    # ends on time is test_hardening_time's subject, reads and leaks are this one's.
    short = ["--lab-deadline", "6"] if load_scenario(scenario).faults.get("deadline_cap") else []
    run = run_lab(
        scenario,
        *short,
        "--lab-wait",
        "1",
        "-v",
        "-rA",
        "--html",
        str(html),
        "--self-contained-html",
        "--junitxml",
        str(junit),
        subprocess=subprocess,
    )
    assert run.grade, run.text
    assert "error" not in run.outcomes().values(), run.text

    requests = json.loads(log_path.read_text(encoding="utf-8"))
    writes = [r for r in requests if r["method"] != "GET"]
    assert writes == [], writes
    if not load_scenario(scenario).faults.get("unreachable"):
        assert requests, "the simulator saw no request at all"

    outputs = {
        "terminal": run.text,
        "grade JSON": json.dumps(run.grade, ensure_ascii=False),
        "HTML report": html.read_text(encoding="utf-8"),
        "JUnit XML": junit.read_text(encoding="utf-8"),
    }
    # Values the lab text itself publishes (admin123, the chart default prom-operator) sit in
    # the static message catalog as instructions; they are not read from the cluster, so
    # only values absent from every catalog template count as secrets here.
    templates = [text for texts in messages().values() for text in texts.values()]
    secrets = [
        value
        for value in [*load_scenario(scenario).secret_values(), SIM_TOKEN]
        if not any(value in template for template in templates)
    ]
    leaks = [
        f"{where} contains a secret value of length {len(secret)}"
        for where, text in outputs.items()
        for secret in secrets
        if secret in text
    ]
    assert leaks == []
