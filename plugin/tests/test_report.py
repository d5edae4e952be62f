"""The student report end to end on the simulator: HTML summary, JUnit properties, redaction.

A failing scenario (worker-notready: one node NotReady for long) must give a
score summary, a failure card with message, hint and diagnostics, JUnit
properties per checkpoint, and never the simulator's kubeconfig token.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.catalog import messages, render
from pytest_kubelab.message_parts import split_message
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
    # The crash is in the log of the instance before the restart, labelled as such.
    assert (
        "kubectl logs -n monitoring prometheus-grafana-7f8d6c9b54-x2kfp -c grafana --previous "
        in text
    )
    assert "which ended with Error, exit 1" in text
    assert "09:23:27.702Z" in text  # a line only the previous instance's log has
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
    # Each checkpoint's row shows what it asserts under its title: its test's docstring,
    # in Korean (the ko: paragraph) as the run is.
    # pytest-html keeps the rows as escaped JSON inside the page.
    rows = html.unescape(page).replace('\\"', '"')
    assert rows.count('<div class="kl-description">') == len(run.outcomes())
    assert "Step 2: kube-prometheus-stack" not in rows  # the module docstring is not one
    assert '<div class="kl-description">kube-prometheus-stack installed' not in rows
    # The rows are JSON: Hangul is written as \\u escapes.
    assert json.dumps("kube-prometheus-stack 설치: monitoring")[1:-1] in rows
    assert "``" not in rows  # reST literals read as `code`


def test_promtail_crash_loop_gets_the_previous_log(
    run_lab: Callable[..., Any], lab_copy: Path
) -> None:
    run = run_lab("obs-promtail-crash", *REPORT_ARGS, labs=OBS)
    assert run.outcomes()["obs.3.promtail"] == "failed"
    failure = _junit(lab_copy / "junit.xml")["test_promtail"].find("failure")
    assert failure is not None
    text = failure.text or ""
    assert "재시작 전 컨테이너의 마지막 로그 30줄, 종료 상태: Error, exit 1" in text
    assert "-c promtail --previous --tail=30" in text
    assert "failed to make file target manager: too many open files" in text
    page = (lab_copy / "report.html").read_text(encoding="utf-8")
    assert "09:19:51.487Z" in page.split('<table id="results-table"')[0]  # in the card


def _summary(page: str) -> str:
    """The part of the page the plugin writes itself (score, steps, cards), before the table."""
    return page.split('<table id="results-table"')[0]


def test_failure_card_splits_what_is_wrong_from_the_fix(
    run_lab: Callable[..., Any], lab_copy: Path
) -> None:
    run = run_lab("cost-namespace-labels", *REPORT_ARGS, labs=("lab1_kubecost",))
    assert run.outcomes()["cost.4.namespaces"] == "failed"
    card = _summary((lab_copy / "report.html").read_text(encoding="utf-8")).split(
        'id="kl-cost.4.namespaces"'
    )[1]
    problem = card.split('<div class="kl-problem">')[1].split("</div>")[0]
    next_box = card.split('<div class="kl-next">')[1].split("</div>")[0]
    assert "staging: cost-center 라벨 없음 (필요: cost-center=CC-1002)" in problem
    assert "kubectl label" not in problem
    assert (
        "<code>kubectl label namespace staging team=qa cost-center=CC-1002 --overwrite</code>"
        in (next_box)
    )
    # The checkpoint's hint (a check) comes after the fix, as help.
    assert next_box.index("--overwrite</code>") < next_box.index(
        render("report.more_help", "ko", hint="").strip()
    )


def test_a_failure_explained_by_an_earlier_one_links_to_it(
    run_lab: Callable[..., Any], lab_copy: Path
) -> None:
    run = run_lab("obs-demo-imagepull", *REPORT_ARGS, "--lab-lang", "en", labs=OBS)
    assert run.checkpoint("obs.5.web-service")["cause"] == "obs.5.web-app"
    card = _summary((lab_copy / "report.html").read_text(encoding="utf-8")).split(
        'id="kl-obs.5.web-service"'
    )[1]
    problem = card.split('<div class="kl-problem">')[1].split("</div>")[0]
    next_box = card.split('<div class="kl-next">')[1].split("</div>")[0]
    assert "This is probably because obs.5.web-app failed" in problem
    first = render("report.fix_cause_first", "en", id="obs.5.web-app")
    assert f'<a class="kl-card-link" href="#kl-obs.5.web-app">{first}</a>' in next_box
    # Its pods were found from the Service and are the same as the earlier card's.
    assert render("report.same_diagnostics", "en", id="obs.5.web-app") in card


def test_one_lab_selected_shows_only_that_lab(run_lab: Callable[..., Any], lab_copy: Path) -> None:
    run = run_lab("cost-namespace-labels", *REPORT_ARGS, "-m", "kubecost")
    assert run.outcomes() and all(c.startswith("cost.") for c in run.outcomes())
    page = (lab_copy / "report.html").read_text(encoding="utf-8")
    assert (
        '<title id="head-title">Week 4 Day 5 Lab 1: Kubecost로 비용 분석과 최적화</title>' in page
    )
    summary = _summary(page)
    assert "관측성" not in summary and "obs." not in summary
    assert f"{run.grade['score']} / {run.grade['max_score']}" in summary
    assert "obs." not in page.split('<table id="results-table"')[1]  # no row of the other lab


@pytest.mark.parametrize(
    ("text", "problem", "fix"),
    [
        (
            "Helm 릴리스 jaeger의 상태가 failed입니다 (revision 1). "
            "`helm status jaeger -n monitoring`로 오류를 확인하세요.",
            "Helm 릴리스 jaeger의 상태가 failed입니다 (revision 1).",
            "`helm status jaeger -n monitoring`로 오류를 확인하세요.",
        ),
        (
            "X is of type ClusterIP, not NodePort, so http://localhost:30080 cannot answer. "
            "Make it NodePort 30080 (for Grafana: `helm upgrade a b --set c=d.e`).",
            "X is of type ClusterIP, not NodePort, so http://localhost:30080 cannot answer.",
            "Make it NodePort 30080 (for Grafana: `helm upgrade a b --set c=d.e`).",
        ),
        (
            # A full stop inside brackets or a command does not end the sentence.
            "Pods: a ImagePullBackOff (Back-off. pulling); b. Fix the manifest. Then wait.",
            "Pods: a ImagePullBackOff (Back-off. pulling); b.",
            "Fix the manifest. Then wait.",
        ),
        ("Grafana가 응답하지 않습니다 (timeout). 재시작 중일 수 있습니다.", None, ""),
        ("`kubectl get ns`에 demo가 없습니다.", "`kubectl get ns`에 demo가 없습니다.", ""),
    ],
)
def test_message_split(text: str, problem: str | None, fix: str) -> None:
    parts = split_message(text)
    assert parts.problem == (text if problem is None else problem)
    assert parts.fix == fix


def test_every_catalog_failure_keeps_a_problem() -> None:
    """Whatever the split, the "what is wrong" box is never empty and nothing is lost."""
    for key, texts in messages().items():
        for text in texts.values():
            parts = split_message(text)
            assert parts.problem, key
            assert " ".join(f"{parts.problem} {parts.fix}".split()) == " ".join(text.split()), key
