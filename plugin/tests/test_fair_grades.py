"""Fair grades: a checkpoint is blocked only when it cannot be judged (issue 10).

Each scenario below breaks exactly one thing on an otherwise finished cluster. The grade
must withhold only the points of the checkpoints whose own condition is broken; every
other checkpoint is judged on its own and earns its points. Outcomes and scores are
asserted exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import LabRun

Runner = Callable[..., LabRun]

# scenario -> (failed checkpoints, blocked checkpoints, score out of 67)
ONE_THING_BROKEN: dict[str, tuple[set[str], set[str], int]] = {
    # 1 control-plane + 1 worker: only the node layout is wrong (2 + 2 points).
    "two-nodes-complete": ({"obs.1.nodes", "cost.1.nodes"}, set(), 63),
    # lab-cluster-worker2 NotReady for 12 minutes, its pods re-created on lab-cluster-worker:
    # only the node readiness fails (1 + 1 point); DaemonSets, scrape targets and node
    # metrics on the dead node are not charged a second time.
    "worker-notready-evicted": ({"obs.1.nodes-ready", "cost.1.nodes-ready"}, set(), 65),
    # One of three promtail pods crash-looping: the agent checkpoint fails (2 points), but
    # logs from the other two nodes still reach Loki.
    "obs-promtail-one-node": ({"obs.3.promtail"}, set(), 65),
    # web-app-hpa with minReplicas 1: the HPA spec fails (2 points), both HPAs still report
    # current utilisation.
    "cost-hpa-min-one": ({"cost.5.hpa-production"}, set(), 65),
}


@pytest.mark.parametrize("scenario", sorted(ONE_THING_BROKEN))
def test_one_broken_thing_costs_only_its_own_points(run_lab: Runner, scenario: str) -> None:
    failed, blocked, score = ONE_THING_BROKEN[scenario]
    run = run_lab(scenario, "--lab-lang", "en")
    outcomes = run.outcomes()
    assert len(outcomes) == 41
    assert {k for k, v in outcomes.items() if v == "failed"} == failed, run.text
    assert {k for k, v in outcomes.items() if v == "skipped"} == blocked, run.text
    assert {v for k, v in outcomes.items() if k not in failed | blocked} == {"passed"}
    assert (run.grade["score"], run.grade["max_score"]) == (score, 67)


def test_a_dead_node_is_named_where_it_is_left_out(run_lab: Runner) -> None:
    run = run_lab("worker-notready-evicted", "--lab-lang", "en")
    targets = run.checkpoint("obs.2.prometheus-targets")["message"]
    assert "node-exporter 2/2" in targets and "lab-cluster-worker2" in targets
    assert "not counted" in targets
    top = run.checkpoint("cost.2.top-nodes")["message"]
    assert "not Ready (lab-cluster-worker2)" in top
    # The evicted, still-Terminating web-app pod is not expected to have metrics.
    usage = run.checkpoint("cost.6.pod-usage")["message"]
    assert "web-app-7d9f8b5c4-def34" not in usage
    for checkpoint in ("obs.2.workloads", "obs.3.promtail"):
        message = run.checkpoint(checkpoint)["message"]
        assert "2/3" in message and "lab-cluster-worker2" in message, message
        assert "not counted" in message, message
    ready = run.checkpoint("obs.1.nodes-ready")["message"]
    assert "lab-cluster-worker2 (NodeStatusUnknown)" in ready


def test_two_nodes_pass_node_readiness_but_not_the_layout(run_lab: Runner) -> None:
    run = run_lab("two-nodes-complete", "-m", "step1", labs=("lab1_observability",))
    assert run.outcomes() == {
        "obs.1.cluster-reachable": "passed",
        "obs.1.nodes": "failed",
        "obs.1.nodes-ready": "passed",
    }
    assert "worker 1개가 보입니다" in run.checkpoint("obs.1.nodes")["message"]


def test_a_later_failure_names_its_root_cause_in_korean(run_lab: Runner) -> None:
    # fresh: nothing installed. The Deployment check fails on its own (nothing to wait
    # for), and its message points at the missing namespace, not at a wall of skips.
    run = run_lab("fresh", labs=("lab1_observability",))
    entry = run.checkpoint("obs.5.web-service")
    assert entry["outcome"] == "failed" and entry["cause"] == "obs.5.namespace"
    assert "앞선 체크포인트 obs.5.namespace의 실패 때문일 가능성이 큽니다: " in entry["message"]
    assert "demo" in entry["message"].split("가능성이 큽니다: ")[1]
    # A chain is followed back to where it starts: the Service's own likely cause, the
    # Deployment, failed because the namespace is missing.
    assert run.checkpoint("obs.5.web-app")["cause"] == "obs.5.namespace"


def test_a_failed_cause_means_no_second_wait(run_lab: Runner) -> None:
    # metrics-server is not ready (no --kubelet-insecure-tls); the metrics API is judged
    # right after, without waiting out --lab-wait again, and names metrics-server.
    run = run_lab(
        "cost-metrics-insecure-tls",
        "--lab-wait",
        "2",
        "--lab-lang",
        "en",
        labs=("lab1_kubecost",),
    )
    api = run.checkpoint("cost.2.metrics-api")
    assert api["outcome"] == "failed" and api["cause"] == "cost.2.metrics-server"
    assert "Waited" not in api["message"]
    assert "This is probably because cost.2.metrics-server failed: " in api["message"]
    assert "--kubelet-insecure-tls" in run.checkpoint("cost.2.metrics-server")["message"]
