"""The observability lab (steps 2-5) against simulated clusters.

A correct install (``complete``) and installs that differ in accepted ways
(``obs-variations*``) pass every checkpoint; each ``obs-*`` failure scenario fails
exactly the checkpoint it targets, blocks its dependents, leaves everything else
passing, names the object and the reason, and (being terminal) fails without
waiting out ``--lab-wait``. The Grafana password never reaches the output.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest

from .conftest import LabRun

LAB = ("lab1_observability",)
ALL = {
    "obs.1.cluster-reachable",
    "obs.1.nodes",
    "obs.1.nodes-ready",
    "obs.2.release",
    "obs.2.workloads",
    "obs.2.grafana-nodeport",
    "obs.2.grafana-login",
    "obs.2.prometheus-targets",
    "obs.2.dashboards",
    "obs.3.release",
    "obs.3.loki-ready",
    "obs.3.promtail",
    "obs.3.grafana-loki-datasource",
    "obs.3.logs-flowing",
    "obs.4.release",
    "obs.4.jaeger-ready",
    "obs.4.jaeger-ui",
    "obs.4.jaeger-api",
    "obs.5.namespace",
    "obs.5.web-app",
    "obs.5.web-service",
    "obs.5.web-reachable",
}
RANDOM_PASSWORD = "Xq7vN2kLp9RtW4zB8sDf3GhJ6mYc1QeA5uTiOo0P"  # obs-variations' Secret value

Runner = Callable[..., LabRun]


@pytest.mark.parametrize(
    "scenario",
    ["complete", "obs-variations", "obs-variations-jaeger-v1", "obs-variations-endpointslices"],
)
def test_correct_installs_pass_everything(run_lab: Runner, scenario: str) -> None:
    run = run_lab(scenario, "-vv", "-rA", "--lab-lang", "en", labs=LAB)
    assert run.outcomes() == dict.fromkeys(ALL, "passed"), run.text
    if scenario == "obs-variations":
        # Accepted variations are said out loud, and the chart-generated password never
        # reaches the terminal or the grade file, even in the most verbose report.
        assert "Alloy" in run.checkpoint("obs.3.promtail")["message"]
        assert "not the lab's" in run.checkpoint("obs.2.grafana-login")["message"]
        assert "v2" in run.checkpoint("obs.4.jaeger-ready")["message"]
        assert RANDOM_PASSWORD not in run.text
        assert RANDOM_PASSWORD not in str(run.grade)
    if scenario == "obs-variations-endpointslices":
        # Read from the three EndpointSlice endpoints, since the Endpoints API is not served.
        assert "with 3 ready endpoint addresses" in run.checkpoint("obs.5.web-service")["message"]
    if scenario == "obs-variations-jaeger-v1":
        assert "/api/services" in run.checkpoint("obs.4.jaeger-api")["message"]
        assert "v1 all-in-one" in run.checkpoint("obs.4.jaeger-ready")["message"]


FAILURES = [
    (
        "obs-grafana-clusterip",
        {"obs.2.grafana-nodeport"},
        {"obs.2.grafana-login", "obs.2.dashboards", "obs.3.grafana-loki-datasource"},
        ["Service monitoring/prometheus-grafana", "ClusterIP", "grafana.service.nodePort=30080"],
    ),
    (
        "obs-grafana-random-nodeport",
        {"obs.2.grafana-nodeport"},
        {"obs.2.grafana-login", "obs.2.dashboards", "obs.3.grafana-loki-datasource"},
        ["Service monitoring/prometheus-grafana", "31847", "30080"],
    ),
    (
        "obs-grafana-login",
        {"obs.2.grafana-login"},
        {"obs.2.dashboards", "obs.3.grafana-loki-datasource"},
        ["Secret monitoring/prometheus-grafana", "401", "reset-admin-password"],
    ),
    (
        "obs-datasource-conflict",
        {"obs.3.grafana-loki-datasource"},
        set(),
        ["ConfigMap loki-loki-stack", "Only one datasource", "loki.isDefault=false", "log"],
    ),
    (
        "obs-prometheus-targets-down",
        {"obs.2.prometheus-targets"},
        set(),
        ["node-exporter 2/3 down", "context deadline exceeded"],
    ),
    (
        "obs-promtail-crash",
        {"obs.3.promtail"},
        set(),  # logs from the two other nodes still reach Loki: logs-flowing passes
        [
            "DaemonSet monitoring/loki-promtail",
            "2/3",
            "loki-promtail-x7k2m CrashLoopBackOff, 6 restarts",
            "too many open files",
            "fs.inotify.max_user_watches=524288",
        ],
    ),
    (
        "obs-jaeger-clusterip",
        {"obs.4.jaeger-ui"},
        set(),
        [
            "30081",
            "Service monitoring/jaeger (ClusterIP)",
            "kubectl -n monitoring patch svc jaeger",
        ],
    ),
    (
        "obs-jaeger-v1-no-nodeport",
        {"obs.4.jaeger-ui"},
        set(),
        ["Service monitoring/jaeger-query (ClusterIP, headless)", "expose deployment jaeger"],
    ),
    (
        "obs-demo-imagepull",
        {"obs.5.web-app", "obs.5.web-service", "obs.5.web-reachable"},
        set(),
        ["Deployment demo/web-app", "nginx:alpnie", "ImagePullBackOff", "set image"],
    ),
    (
        "obs-prometheus-pending",
        {"obs.2.workloads", "obs.2.prometheus-targets", "obs.2.dashboards"},
        set(),
        [
            "StatefulSet monitoring/prometheus-prometheus-kube-prometheus-prometheus",
            "FailedScheduling",
            "Insufficient memory",
        ],
    ),
    (
        "obs-loki-no-logs",
        {"obs.3.logs-flowing"},
        set(),
        ["loki-promtail-", "no such host", "http://loki:3100/loki/api/v1/push"],
    ),
    (
        "obs-jaeger-install-failed",
        {"obs.4.release", "obs.4.jaeger-ready", "obs.4.jaeger-ui", "obs.4.jaeger-api"},
        set(),
        ["Helm release jaeger", "failed", "helm status jaeger -n monitoring"],
    ),
    (
        "obs-demo-port-unmapped",
        {"obs.5.web-reachable"},
        set(),
        ["NodePort 30082", "Service demo/web-service", "connection refused", "extraPortMappings"],
    ),
    (
        "fresh",
        ALL
        - {"obs.1.cluster-reachable", "obs.1.nodes", "obs.1.nodes-ready"}
        - {"obs.2.grafana-login", "obs.2.dashboards", "obs.3.grafana-loki-datasource"},
        # Only what needs Grafana's API with working credentials cannot be judged.
        {"obs.2.grafana-login", "obs.2.dashboards", "obs.3.grafana-loki-datasource"},
        [
            "helm install prometheus",
            "helm install loki",
            "helm install jaeger",
            "create namespace demo",
        ],
    ),
    (
        "obs-demo-selector",
        {"obs.5.web-service", "obs.5.web-reachable"},
        set(),
        ["Service demo/web-service", "app=webapp", "app=web"],
    ),
]


# Failures that follow from an earlier one name it (lab.yaml `causes`): checkpoint -> root cause.
CONSEQUENCES = {
    "fresh": {
        "obs.2.workloads": "obs.2.release",
        "obs.3.logs-flowing": "obs.3.release",
        "obs.4.jaeger-api": "obs.4.release",
        "obs.5.web-app": "obs.5.namespace",
        "obs.5.web-reachable": "obs.5.namespace",
    },
    "obs-demo-imagepull": {
        "obs.5.web-service": "obs.5.web-app",
        "obs.5.web-reachable": "obs.5.web-app",
    },
    "obs-prometheus-pending": {
        "obs.2.prometheus-targets": "obs.2.workloads",
        "obs.2.dashboards": "obs.2.workloads",
    },
    "obs-jaeger-install-failed": {"obs.4.jaeger-ready": "obs.4.release"},
    "obs-demo-selector": {"obs.5.web-reachable": "obs.5.web-service"},
}


@pytest.mark.parametrize(
    ("scenario", "failing", "blocked", "phrases"), FAILURES, ids=[f[0] for f in FAILURES]
)
def test_failure_scenarios_fail_only_their_target(
    run_lab: Runner, scenario: str, failing: set[str], blocked: set[str], phrases: list[str]
) -> None:
    started = time.monotonic()
    run = run_lab(scenario, "--lab-wait", "120", "--lab-lang", "en", labs=LAB)
    elapsed = time.monotonic() - started
    expected = dict.fromkeys(ALL, "passed")
    expected.update(dict.fromkeys(failing, "failed"))
    expected.update(dict.fromkeys(blocked, "skipped"))
    assert run.outcomes() == expected, run.text
    message = " ".join(run.checkpoint(c)["message"] for c in failing)
    for phrase in phrases:
        assert phrase in message, message
    for checkpoint in blocked:
        assert "blocked by" in run.checkpoint(checkpoint)["message"]
    for checkpoint, cause in CONSEQUENCES.get(scenario, {}).items():
        entry = run.checkpoint(checkpoint)
        assert entry["cause"] == cause, entry
        assert f"This is probably because {cause} failed: " in entry["message"], entry
    # Whatever a failure names as its cause is itself a failure of this run.
    named = {run.checkpoint(c)["cause"] for c in failing} - {None}
    assert named <= failing, named
    # Terminal states must not wait out --lab-wait (120 s here; half of it, for loaded machines).
    assert elapsed < 60, f"{scenario} took {elapsed:.1f}s"


def test_korean_messages_name_the_object(run_lab: Runner) -> None:
    run = run_lab("obs-promtail-crash", labs=LAB)
    message = run.checkpoint("obs.3.promtail")["message"]
    assert "loki-promtail-x7k2m" in message
    assert "준비됨" in message


def test_starting_pods_are_waited_for(run_lab: Runner) -> None:
    # loki-0 is Running but inside its readiness delay: worth waiting, not a terminal state.
    started = time.monotonic()
    run = run_lab("obs-loki-starting", "--lab-wait", "3", "--lab-lang", "en", labs=LAB)
    elapsed = time.monotonic() - started
    assert run.outcomes()["obs.3.loki-ready"] == "failed"
    message = run.checkpoint("obs.3.loki-ready")["message"]
    assert "loki-0 Running 0/1 Ready" in message
    assert "Waited" in message
    # Loki does not answer yet either; that is judged at once (loki-ready already waited),
    # and the message names loki-ready as the likely cause.
    flowing = run.checkpoint("obs.3.logs-flowing")
    assert flowing["outcome"] == "failed" and flowing["cause"] == "obs.3.loki-ready"
    assert "Waited" not in flowing["message"]
    # It waited its 3 s, by its own clock, and then stopped (a loaded machine may add a
    # look's length); the run as a whole cannot have taken less.
    waited = re.search(r"Waited (\d+)s", message)
    assert waited is not None and 3 <= int(waited.group(1)) <= 5, message
    assert 3 <= elapsed < 3 + 60
