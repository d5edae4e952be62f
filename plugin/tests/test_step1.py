"""Step 1 of both labs on the simulated scenarios: passes when right, fails for the right reason."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

LabRun = Any  # conftest.LabRun (conftest modules are not importable under importlib mode)

STEP1 = ("cluster-reachable", "nodes", "nodes-ready")


def _step1(run: LabRun) -> dict[str, str]:
    return {k: v for k, v in run.outcomes().items() if k.split(".")[1] == "1"}


def test_complete_passes_step1_of_both_labs(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("complete", "-m", "step1")
    assert _step1(run) == {f"{lab}.1.{c}": "passed" for lab in ("obs", "cost") for c in STEP1}
    assert "kubelab: SIMULATED cluster, scenario 'complete'" in run.text
    reachable = run.checkpoint("obs.1.cluster-reachable")["message"]
    assert "kind-lab-cluster" in reachable and "v1.31.2" in reachable


def test_fresh_cluster_passes_step1(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("fresh", "-m", "step1")
    assert set(_step1(run).values()) == {"passed"}


def test_two_node_cluster_fails_the_node_layout(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("two-nodes", "-m", "step1")
    for lab in ("obs", "cost"):
        assert run.outcomes()[f"{lab}.1.cluster-reachable"] == "passed"
        assert run.outcomes()[f"{lab}.1.nodes"] == "failed"
        # A wrong node count blocks nothing: both nodes that exist are Ready.
        assert run.outcomes()[f"{lab}.1.nodes-ready"] == "passed"
        message = run.checkpoint(f"{lab}.1.nodes")["message"]
        assert "worker 2개가 있어야" in message and "worker 1개가 보입니다" in message
        assert (
            "lab-cluster-worker" in message and "kind delete cluster --name lab-cluster" in message
        )


def test_not_ready_worker_fails_at_once_with_its_reason(run_lab: Callable[..., LabRun]) -> None:
    started = time.monotonic()
    run = run_lab("worker-notready", "-m", "step1", "--lab-wait", "60")
    assert time.monotonic() - started < 30  # terminal: never waits out --lab-wait (60 s)
    assert run.outcomes()["obs.1.nodes"] == "passed"
    assert run.outcomes()["obs.1.nodes-ready"] == "failed"
    message = run.checkpoint("obs.1.nodes-ready")["message"]
    assert "3개 중 2개만 Ready" in message and "lab-cluster-worker2 (NodeStatusUnknown)" in message


def test_unreachable_api_server_one_failure_then_blocked(run_lab: Callable[..., LabRun]) -> None:
    started = time.monotonic()
    run = run_lab("api-unreachable", "--lab-wait", "60", labs=("lab1_observability",))
    elapsed = time.monotonic() - started
    outcomes = run.outcomes()
    assert outcomes.pop("obs.1.cluster-reachable") == "failed"
    assert set(outcomes.values()) == {"skipped"}
    message = run.checkpoint("obs.1.cluster-reachable")["message"]
    assert "연결할 수 없습니다" in message and "Connection refused" in message
    assert "kind get clusters" in message
    # Half of --lab-wait: an unreachable API server is not waited for.
    assert elapsed < 30, f"took {elapsed:.1f}s"


def test_english_messages_on_request(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("two-nodes", "-m", "step1", "--lab-lang", "en", labs=("lab1_observability",))
    message = run.checkpoint("obs.1.nodes")["message"]
    assert "control-plane nodes: 1 and worker nodes: 2, but found" in message
    assert "control-plane nodes: 1 and worker nodes: 1 (" in message
    assert (
        run.checkpoint("obs.1.nodes")["title"]
        == "New cluster created (1 control-plane + 2 workers)"
    )
    assert "Lab grade" in run.text


def test_other_context_is_warned_about(run_lab: Callable[..., LabRun], lab_copy: Any) -> None:
    run = run_lab("other-context", "-m", "step1", labs=("lab1_observability",))
    assert run.outcomes()["obs.1.cluster-reachable"] == "passed"
    message = run.checkpoint("obs.1.cluster-reachable")["message"]
    assert "'kind-other'" in message and "kubectl config use-context kind-lab-cluster" in message
