"""The cost lab spec graded against simulated clusters.

``complete`` and ``cost-variations`` (Kubecost 1.x, HPA scale-up, value-equal quantities,
multi-day allocation with nulls) must pass every checkpoint. Each failure scenario must fail
exactly the checkpoints it targets, skip their dependents as blocked, pass everything else,
and name the object, field or reason in its message.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import LabRun

RunLab = Callable[..., LabRun]
LAB = ("lab1_kubecost",)

# scenario -> (failed checkpoints, blocked checkpoints, substrings of the first failure's message)
FAILURES: dict[str, tuple[set[str], set[str], tuple[str, ...]]] = {
    "cost-metrics-insecure-tls": (
        {"cost.2.metrics-server", "cost.2.metrics-api", "cost.5.hpa-targets"},
        # NodeMetrics and PodMetrics cannot be read without the metrics API.
        {"cost.2.top-nodes", "cost.6.pod-usage", "cost.6.rightsizing"},
        (
            "Deployment kube-system/metrics-server",
            "--kubelet-insecure-tls",
            "Running 0/1 Ready",
            "kubectl patch -n kube-system deployment metrics-server --type=json",
        ),
    ),
    "cost-kubecost-pending": (
        # Kubecost's own Prometheus runs and answers, so cost.3.prometheus passes.
        {"cost.3.workloads", "cost.3.ui", "cost.6.allocation-api"},
        set(),
        ("kubecost/kubecost-cost-analyzer", "FailedScheduling", "Insufficient cpu"),
    ),
    "cost-release-failed": (
        {
            "cost.3.release",
            "cost.3.workloads",
            "cost.3.prometheus",
            "cost.3.ui",
            "cost.6.allocation-api",
        },
        set(),
        ("kubecost", "failed", "--version 2.8.7", "helm status kubecost -n kubecost"),
    ),
    "cost-kubecost-v3": (
        {"cost.3.workloads", "cost.3.prometheus", "cost.3.ui", "cost.6.allocation-api"},
        set(),
        ("kubecost-frontend", "3.x", "targets 2.x", "--version 2.8.7"),
    ),
    "cost-namespace-labels": (
        {"cost.4.namespaces"},
        set(),
        ("staging: cost-center missing", "development: team=develop (want team=dev)"),
    ),
    "cost-wrong-limits": (
        {"cost.4.deployments"},
        set(),
        ("api-server limits.cpu: 1 (want 300m)",),
    ),
    "cost-hpa-min": (
        {"cost.5.hpa-production"},
        set(),  # both HPAs still report current utilisation: hpa-targets passes
        ("production/web-app-hpa", "minReplicas: 3 (want 2)"),
    ),
    "cost-allocation-503": (
        {"cost.6.allocation-api"},
        set(),
        ("/model/allocation?window=7d&aggregate=namespace", "HTTP 503 (HTML)"),
    ),
    "cost-allocation-missing-ns": (
        {"cost.6.allocation-api"},
        set(),
        ("lacks namespaces: development", "sets: 8"),
    ),
}


# scenario -> checkpoint -> phrases its pass message must contain
PASS_MESSAGES = {
    "complete": {
        "cost.3.workloads": ("containers 4/4", "cost-analyzer-2.8.7"),
        "cost.4.pods-running": ("web-app 2/2", "api-server 1/1"),
        "cost.6.allocation-api": ("daily sets (8)", "production: cpuCost $0.0640"),
        "cost.6.rightsizing": ("production/web-app | 200m/256Mi | 1m/3Mi | 10m/20Mi | 20m/40Mi",),
    },
    "cost-variations": {
        "cost.3.workloads": ("containers 2/2", "cost-analyzer-1.108.1"),
        "cost.4.pods-running": ("web-app 4/4",),
        "cost.5.hpa-targets": ("cpu: 68%/70%",),
        "cost.6.rightsizing": ("production/web-app | 200m/256Mi | 136m/97Mi | 204m/145Mi",),
    },
}


@pytest.mark.parametrize("scenario", sorted(PASS_MESSAGES))
def test_correct_installs_pass_every_checkpoint(run_lab: RunLab, scenario: str) -> None:
    run = run_lab(scenario, "--lab-lang", "en", labs=LAB)
    outcomes = run.outcomes()
    assert len(outcomes) == 19
    assert {k: v for k, v in outcomes.items() if v != "passed"} == {}, run.text
    for checkpoint, phrases in PASS_MESSAGES[scenario].items():
        message = run.checkpoint(checkpoint)["message"]
        for phrase in phrases:
            assert phrase in message, message


@pytest.mark.parametrize("scenario", sorted(FAILURES))
def test_failure_scenario_fails_only_its_targets(run_lab: RunLab, scenario: str) -> None:
    failed, blocked, phrases = FAILURES[scenario]
    run = run_lab(scenario, "--lab-lang", "en", labs=LAB)
    outcomes = run.outcomes()
    assert {k for k, v in outcomes.items() if v == "failed"} == failed, run.text
    assert {k for k, v in outcomes.items() if v == "skipped"} == blocked, run.text
    assert {k for k, v in outcomes.items() if v not in ("passed", "failed", "skipped")} == set()
    first = min(failed, key=list(outcomes).index)
    # Every later failure of the scenario is traced back to one that failed first.
    for checkpoint in failed - {first}:
        cause = run.checkpoint(checkpoint)["cause"]
        if cause is not None:
            assert cause in failed and cause != checkpoint, run.checkpoint(checkpoint)
    message = run.checkpoint(first)["message"]
    for phrase in phrases:
        assert phrase in message, message
    for checkpoint in blocked:
        assert "blocked by" in run.checkpoint(checkpoint)["message"]


def test_hpa_unknown_targets_explain_metrics_server(run_lab: RunLab) -> None:
    run = run_lab("cost-metrics-insecure-tls", "--lab-lang", "en", labs=LAB)
    message = run.checkpoint("cost.5.hpa-targets")["message"]
    assert "cpu: <unknown>/70%" in message
    assert "FailedGetResourceMetric" in message
    assert "metrics-server" in message


def test_terminal_failures_do_not_wait(run_lab: RunLab) -> None:
    run = run_lab("cost-kubecost-pending", "--lab-lang", "en", "--lab-wait", "30", labs=LAB)
    assert run.outcomes()["cost.3.workloads"] == "failed"
    assert "Waited" not in run.checkpoint("cost.3.workloads")["message"]


def test_korean_messages_by_default(run_lab: RunLab) -> None:
    run = run_lab("cost-wrong-limits", labs=LAB)
    assert "resources가 실습과 다릅니다" in run.checkpoint("cost.4.deployments")["message"]
