"""Failure diagnostics: pod table, container states, Warning events, log tails, node table.

Uses a stand-in reader so each part (and its bounds and redaction) is checked in
isolation; the end-to-end path through the simulator is in test_report.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pytest_kubelab.diagnostics import LOG_LINES, collect, pod_status
from pytest_kubelab.kubeapi import KubeApiError
from pytest_kubelab.redact import MASK
from pytest_kubelab.verdict import Subject, about, failed

NODE = {
    "metadata": {"name": "lab-cluster-worker", "labels": {}},
    "status": {
        "conditions": [{"type": "Ready", "status": "True"}],
        "nodeInfo": {"kubeletVersion": "v1.31.2"},
        "addresses": [{"type": "InternalIP", "address": "172.18.0.3"}],
    },
}
CRASHING = {
    "metadata": {"name": "loki-promtail-x7k2m", "namespace": "logging", "labels": {"app": "p"}},
    "spec": {"nodeName": "lab-cluster-worker"},
    "status": {
        "phase": "Running",
        "podIP": "10.244.1.7",
        "conditions": [{"type": "Ready", "status": "False"}],
        "containerStatuses": [
            {
                "name": "promtail",
                "ready": False,
                "restartCount": 6,
                "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m"}},
                "lastState": {"terminated": {"reason": "Error", "exitCode": 1}},
            }
        ],
    },
}
WARNING = {
    "type": "Warning",
    "reason": "BackOff",
    "count": 12,
    "lastTimestamp": "2026-11-26T09:00:00Z",
    "message": "Back-off restarting failed container promtail",
    "involvedObject": {"kind": "Pod", "name": "loki-promtail-x7k2m"},
}
NORMAL = {**WARNING, "type": "Normal", "reason": "Pulled", "message": "pulled"}


class FakeReader:
    """Answers like ClusterReader from fixed objects."""

    def __init__(self, pods: Sequence[Mapping[str, Any]], log: str = "") -> None:
        self.pods = list(pods)
        self.log = log
        self.log_calls: list[tuple[str, str, str, int]] = []

    def list(self, kind: str, namespace: str | None = None, selector: Any = None) -> list[Any]:
        return [NODE] if kind == "Node" else list(self.pods)

    def events_for(self, namespace: str, names: Sequence[str]) -> list[Any]:
        return [WARNING, NORMAL]

    def logs(self, namespace: str, pod: str, container: str, tail: int = 30) -> str:
        self.log_calls.append((namespace, pod, container, tail))
        return self.log


def _verdict() -> Any:
    return about(failed("workload.not_ready"), Subject("logging", {"app": "p"}))


def test_pod_table_states_events_and_logs() -> None:
    log = "\n".join(f"line {i}" for i in range(100)) + "\nlevel=error password=hunter2hunter"
    reader = FakeReader([CRASHING], log)
    found = collect(reader, _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert "loki-promtail-x7k2m   0/1     CrashLoopBackOff   6" in text
    assert "10.244.1.7" in text
    assert "restarts=6, last: Error exit 1" in text
    assert (
        "BackOff  Pod/loki-promtail-x7k2m: Back-off restarting failed container promtail (x12)"
        in text
    )
    assert "pulled" not in text  # only Warning events
    assert reader.log_calls == [("logging", "loki-promtail-x7k2m", "promtail", LOG_LINES)]
    assert "line 99" in text
    assert "line 50" not in text
    assert "hunter2hunter" not in text
    assert MASK in text
    assert "Nodes" not in text  # nodes are fine and the verdict names pods
    # Section titles are commands the student can run to see the same.
    assert "(kubectl get pods -o wide -n logging -l app=p)" in text
    assert "(kubectl logs -n logging loki-promtail-x7k2m -c promtail --tail=30)" in text


def test_korean_titles() -> None:
    found = collect(FakeReader([CRASHING]), _verdict(), "ko")  # type: ignore[arg-type]
    assert found is not None
    assert "관련 Pod 상태" in found.as_text()
    assert "로그가 비어 있습니다" in found.as_text()


def test_no_pods_says_so() -> None:
    found = collect(FakeReader([]), _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    assert "No pod matches" in found.as_text()


def test_healthy_nodes_are_not_shown() -> None:
    assert collect(FakeReader([]), failed("release.missing"), "en") is None  # type: ignore[arg-type]


def test_a_not_ready_node_is_shown() -> None:
    sick = {
        "metadata": {"name": "lab-cluster-worker2", "labels": {}},
        "status": {
            "conditions": [
                {
                    "type": "Ready",
                    "status": "Unknown",
                    "reason": "NodeStatusUnknown",
                    "message": "Kubelet stopped posting node status.",
                }
            ]
        },
    }

    class Sick(FakeReader):
        def list(self, kind: str, namespace: str | None = None, selector: Any = None) -> list[Any]:
            return [NODE, sick] if kind == "Node" else []

    found = collect(Sick([]), failed("nodes.not_ready"), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert "lab-cluster-worker    Ready      <none>   v1.31.2   172.18.0.3" in text
    assert "lab-cluster-worker2   NotReady   <none>   -         <none>" in text
    assert "lab-cluster-worker2: Ready=Unknown (NodeStatusUnknown: Kubelet stopped" in text


def test_api_error_gives_a_section_not_an_exception() -> None:
    class Broken(FakeReader):
        def list(self, kind: str, namespace: str | None = None, selector: Any = None) -> list[Any]:
            raise KubeApiError(500, "boom", "/api/v1/pods")

    found = collect(Broken([]), _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    assert "Diagnostics unavailable" in found.as_text()


def test_pod_status_like_kubectl() -> None:
    assert pod_status(CRASHING) == "CrashLoopBackOff"
    assert pod_status({"status": {"phase": "Pending"}}) == "Pending"
    assert pod_status({"metadata": {"deletionTimestamp": "x"}, "status": {}}) == "Terminating"
    init = {
        "status": {"initContainerStatuses": [{"state": {"waiting": {"reason": "ErrImagePull"}}}]}
    }
    assert pod_status(init) == "Init:ErrImagePull"


def test_long_logs_are_bounded() -> None:
    reader = FakeReader([CRASHING], "\n".join("x" * 1000 for _ in range(30)))
    found = collect(reader, _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    assert all(len(s.text) <= 6002 for s in found.sections)
    assert all(len(line) <= 500 for s in found.sections for line in s.text.splitlines())
