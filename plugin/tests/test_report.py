"""The student report end to end on the simulator: HTML summary, JUnit properties, redaction.

A failing scenario (worker-notready: one node NotReady for long) must give a
score summary, a failure card with message, hint and diagnostics, JUnit
properties per checkpoint, and never the simulator's kubeconfig token.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.catalog import render
from pytest_kubelab.sim.runtime import SIM_TOKEN

OBS = ("lab1_observability",)
REPORT_ARGS = ("--html=report.html", "--self-contained-html", "--junitxml=junit.xml")


def _junit(path: Path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {case.get("name", ""): case for case in root.iter("testcase")}


def _properties(case: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in case.iter("property")}


def test_junit_carries_checkpoint_points_and_outcome(
    run_lab: Callable[..., Any], lab_copy: Path
) -> None:
    run = run_lab("worker-notready", *REPORT_ARGS, labs=OBS)
    cases = _junit(lab_copy / "junit.xml")
    assert _properties(cases["test_nodes"]) == {
        "checkpoint": "obs.1.nodes",
        "points": "2",
        "outcome": "passed",
        "earned": "2",
    }
    failing = cases["test_nodes_ready"]
    assert _properties(failing)["outcome"] == "failed"
    assert _properties(failing)["earned"] == "0"
    failure = failing.find("failure")
    assert failure is not None
    assert failure.text is not None
    assert render("label.hint", "ko") in failure.text
    assert render("diag.section", "ko") in failure.text
    assert "lab-cluster-worker2         NotReady" in failure.text
    assert run.outcomes()["obs.1.nodes-ready"] == "failed"


def test_no_secret_reaches_any_output(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("worker-notready", *REPORT_ARGS, "-rA", labs=OBS)
    outputs = {
        "terminal": run.text,
        "html": (lab_copy / "report.html").read_text(encoding="utf-8"),
        "junit": (lab_copy / "junit.xml").read_text(encoding="utf-8"),
        "grade": json.dumps(run.grade, ensure_ascii=False),
    }
    for name, text in outputs.items():
        assert SIM_TOKEN not in text, name
    assert render("diag.section", "ko") in run.text  # diagnostics are in the terminal too
    skipped = [cid for cid, outcome in run.outcomes().items() if outcome == "skipped"]
    # Blocked checkpoints are named once, in one line under the failure that blocks them.
    assert render("summary.blocked_by_this", "ko", count=len(skipped), ids=", ".join(skipped)) in (
        run.text
    )
    # -rA names the blocked test's own file, not the plugin module that skipped it.
    assert "test_step2_prometheus.py:" in run.text
    assert "plugin.py:" not in run.text


def test_html_summary_in_korean(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("worker-notready", *REPORT_ARGS, labs=OBS)
    page = (lab_copy / "report.html").read_text(encoding="utf-8")
    assert '<title id="head-title">Week 4 Day 5 Lab 1: Helm으로 관측성 스택 구축</title>' in page
    score = f"{run.grade['score']} / {run.grade['max_score']}"
    assert (
        f'{render("report.score", "ko")}</span> <span class="kl-score-value">{score}</span>' in page
    )
    assert render("report.todo_title", "ko") in page
    assert 'id="kl-obs.1.nodes-ready"' in page
    assert "Ready=Unknown (NodeStatusUnknown" in page


def test_html_title_names_both_labs_in_english(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("two-nodes", *REPORT_ARGS, "--lab-lang", "en")
    page = (lab_copy / "report.html").read_text(encoding="utf-8")
    title = page.split("</title>")[0]
    assert "an observability stack with Helm" in title
    assert "Kubecost" in title
    assert run.outcomes()["obs.1.nodes"] == "failed"
    assert run.outcomes()["obs.2.grafana-login"] == "skipped"
    assert "Score</span>" in page
    assert render("report.blocked_title", "en") in page
    assert "점수" not in page.split('<table id="results-table">')[0]


def test_diagnostics_can_be_turned_off(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("worker-notready", "--junitxml=junit.xml", "--lab-diagnostics=off", labs=OBS)
    assert render("diag.section", "ko") not in run.text
    assert render("diag.section", "ko") not in (lab_copy / "junit.xml").read_text("utf-8")
    assert run.outcomes()["obs.1.nodes-ready"] == "failed"


def test_bad_diagnostics_value_is_a_usage_error(
    run_lab: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KUBELAB_DIAGNOSTICS", "maybe")
    run = run_lab("complete", labs=OBS)
    assert run.result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--lab-diagnostics accepts on or off" in run.text


def test_no_html_hooks_without_pytest_html(run_lab: Callable[..., Any]) -> None:
    run = run_lab("worker-notready", "-p", "no:html", labs=OBS)
    assert run.outcomes()["obs.1.nodes-ready"] == "failed"
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED


def test_crashloop_diagnostics_show_pods_events_and_logs(
    run_lab: Callable[..., Any], lab_copy: Path
) -> None:
    run = run_lab("obs-grafana-crashloop", "--junitxml=junit.xml", "--lab-lang", "en", labs=OBS)
    outcomes = run.outcomes()
    assert outcomes["obs.2.workloads"] == "failed"
    assert outcomes["obs.2.grafana-login"] == "skipped"
    assert all(outcomes[c] == "passed" for c in outcomes if c.startswith("obs.1."))
    assert (
        "prometheus-grafana-7f8d6c9b54-x2kfp CrashLoopBackOff"
        in run.checkpoint("obs.2.workloads")["message"]
    )
    failure = _junit(lab_copy / "junit.xml")["test_workloads"].find("failure")
    assert failure is not None
    text = failure.text or ""
    assert "prometheus-grafana-7f8d6c9b54-x2kfp   2/3     CrashLoopBackOff   6" in text
    assert "grafana: waiting CrashLoopBackOff" in text
    assert "BackOff  Pod/prometheus-grafana-7f8d6c9b54-x2kfp" in text
    assert "Only one datasource per organization can be marked as default" in text
    assert "kubectl logs -n monitoring prometheus-grafana-7f8d6c9b54-x2kfp -c grafana " in text
    assert "-c grafana-sc-dashboard" not in text  # a ready container: no log tail
    # The Grafana admin password (Secret prometheus-grafana) is never written.
    assert "admin123" not in text
    assert "admin123" not in run.text


def test_all_passed_report_congratulates(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("complete", *REPORT_ARGS, labs=OBS)
    assert set(run.outcomes().values()) == {"passed"}
    page = (lab_copy / "report.html").read_text(encoding="utf-8")
    assert render("report.all_passed", "ko") in page
    assert 'class="kl-card' not in page
