"""Pod diagnosis: which states are terminal (fail at once) and which are worth waiting for."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_kubelab.kube.podstatus import problem


def _pod(
    phase: str = "Running",
    waiting: str | None = None,
    restarts: int = 0,
    ready: bool = False,
    **status: Any,
) -> dict[str, Any]:
    state: dict[str, Any] = {"waiting": {"reason": waiting}} if waiting else {"running": {}}
    return {
        "metadata": {"name": "web-app-7d9f8b5c4-abc12", "namespace": "demo"},
        "spec": {"containers": [{"name": "nginx"}]},
        "status": {
            "phase": phase,
            "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
            "containerStatuses": [
                {"name": "nginx", "ready": ready, "restartCount": restarts, "state": state}
            ],
            **status,
        },
    }


@pytest.mark.parametrize(
    "reason", ["ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError"]
)
def test_image_and_config_errors_are_terminal(reason: str) -> None:
    found = problem(_pod("Pending", waiting=reason))
    assert found is not None
    assert found.terminal
    assert found.reason == reason


def test_crashloop_is_terminal_only_after_three_restarts() -> None:
    early = problem(_pod(waiting="CrashLoopBackOff", restarts=2))
    late = problem(_pod(waiting="CrashLoopBackOff", restarts=6))
    assert early is not None and not early.terminal
    assert late is not None and late.terminal
    assert late.describe() == "web-app-7d9f8b5c4-abc12 CrashLoopBackOff, 6 restarts"


def test_unschedulable_pending_pod_is_terminal() -> None:
    pod = _pod("Pending", waiting=None)
    pod["status"]["containerStatuses"] = []
    pod["status"]["conditions"] = [
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": "0/3 nodes are available: 3 Insufficient cpu.",
        }
    ]
    found = problem(pod)
    assert found is not None and found.terminal
    assert found.reason == "FailedScheduling"
    assert "Insufficient cpu" in found.message


def test_container_creating_is_worth_waiting_for() -> None:
    found = problem(_pod("Pending", waiting="ContainerCreating"))
    assert found is not None and not found.terminal


def test_ready_pod_has_no_problem() -> None:
    assert problem(_pod(ready=True)) is None
