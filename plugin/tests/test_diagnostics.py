"""Failure diagnostics: pod table, container states, Warning events, log tails, node table.

Uses a stand-in reader so each part (and its bounds and redaction) is checked in
isolation; the end-to-end path through the simulator is in test_report.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import requests
from pytest_kubelab.diagnostics import collect, pod_status
from pytest_kubelab.kube.transport import KubeApiError
from pytest_kubelab.redact import MASK
from pytest_kubelab.sim.runtime import start
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
    """Answers like ClusterReader from fixed objects.

    ``log`` is every container's current log, ``previous`` the log of the instance
    before the last restart (what ``kubectl logs --previous`` prints).
    """

    def __init__(
        self,
        pods: Sequence[Mapping[str, Any]],
        log: str = "",
        previous: str = "",
        objects: Mapping[tuple[str, str, str], Any] | None = None,
    ) -> None:
        self.pods = list(pods)
        self.log = log
        self.previous = previous
        self.objects = dict(objects or {})
        self.log_calls: list[tuple[str, str, str, int]] = []
        self.previous_calls: list[tuple[str, str, str]] = []

    def list(self, kind: str, namespace: str | None = None, selector: Any = None) -> list[Any]:
        return [NODE] if kind == "Node" else list(self.pods)

    def get(self, kind: str, name: str, namespace: str | None = None) -> Any:
        return self.objects.get((kind, namespace or "", name))

    def events_for(self, namespace: str, names: Sequence[str]) -> list[Any]:
        return [WARNING, NORMAL]

    def logs(
        self, namespace: str, pod: str, container: str, tail: int = 30, *, previous: bool = False
    ) -> str:
        if previous:
            self.previous_calls.append((namespace, pod, container))
            return self.previous
        self.log_calls.append((namespace, pod, container, tail))
        return self.log


def _verdict() -> Any:
    return about(failed("workload.not_ready"), Subject("logging", {"app": "p"}))


def test_pod_table_states_events_and_logs() -> None:
    log = "\n".join(f"line {i}" for i in range(100)) + "\nlevel=error password=hunter2hunter"
    reader = FakeReader([CRASHING], previous=log)
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
    # Crash-looping: the previous instance's log holds the error; the current one (the
    # same instance while it waits to restart) is not read again.
    assert reader.previous_calls == [("logging", "loki-promtail-x7k2m", "promtail")]
    assert reader.log_calls == []
    assert "line 99" in text
    assert "line 50" not in text
    assert "hunter2hunter" not in text
    assert MASK in text
    assert "Nodes" not in text  # nodes are fine and the verdict names pods
    # Section titles are commands the student can run to see the same.
    assert "(kubectl get pods -o wide -n logging -l app=p)" in text
    assert (
        "before its restart, which ended with Error, exit 1 "
        "(kubectl logs -n logging loki-promtail-x7k2m -c promtail --previous --tail=30)"
    ) in text


def test_korean_titles() -> None:
    found = collect(FakeReader([CRASHING]), _verdict(), "ko")  # type: ignore[arg-type]
    assert found is not None
    assert "관련 Pod 상태" in found.as_text()
    assert "로그가 비어 있는 컨테이너: loki-promtail-x7k2m/promtail." in found.as_text()


def _crashing(name: str) -> dict[str, Any]:
    return {**CRASHING, "metadata": {**CRASHING["metadata"], "name": name}}


def test_a_crash_without_previous_log_falls_back_to_the_current_one() -> None:
    reader = FakeReader([CRASHING], log="level=error msg=boom")
    found = collect(reader, _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert reader.previous_calls and reader.log_calls
    assert "level=error msg=boom" in text
    assert "(kubectl logs -n logging loki-promtail-x7k2m -c promtail --tail=30)" in text
    assert "Empty log" not in text  # the container did say something


def test_identical_logs_are_shown_once() -> None:
    pods = [_crashing("p-1"), _crashing("p-2"), _crashing("p-3")]
    found = collect(FakeReader(pods, previous="fatal: same"), _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert text.count("fatal: same") == 1
    assert (
        "The same log for 3 containers, shown once: p-1/promtail, p-2/promtail, p-3/promtail"
        in (text)
    )


def test_empty_logs_are_said_once() -> None:
    pods = [_crashing("p-1"), _crashing("p-2")]
    found = collect(FakeReader(pods), _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert text.count("Empty log") == 1
    assert "Empty log: p-1/promtail, p-2/promtail." in text


def test_containers_that_never_started_are_named_not_read() -> None:
    pulling = {
        "metadata": {"name": "web-1", "namespace": "demo"},
        "status": {
            "phase": "Pending",
            "containerStatuses": [
                {
                    "name": "nginx",
                    "ready": False,
                    "restartCount": 0,
                    "state": {"waiting": {"reason": "ImagePullBackOff"}},
                }
            ],
        },
    }
    second = {**pulling, "metadata": {"name": "web-2", "namespace": "demo"}}
    reader = FakeReader([pulling, second])
    found = collect(reader, _verdict(), "ko")  # type: ignore[arg-type]
    assert found is not None
    assert reader.log_calls == [] and reader.previous_calls == []
    text = found.as_text()
    assert text.count("로그가 아직 없는 컨테이너") == 1
    assert "한 번도 시작하지 못해 로그가 아직 없는 컨테이너: web-1/nginx, web-2/nginx." in text


SERVICE = {"metadata": {"name": "web-service"}, "spec": {"selector": {"app": "p"}}}


def test_a_failure_naming_a_service_gets_its_pods() -> None:
    reader = FakeReader([CRASHING], objects={("Service", "demo", "web-service"): SERVICE})
    found = collect(reader, failed("obs.demo.no_ready_pods", service="demo/web-service"), "en")  # type: ignore[arg-type]
    assert found is not None
    assert "(kubectl get pods -o wide -n demo -l app=p)" in found.as_text()


def test_a_failure_naming_a_workload_with_the_namespace_apart() -> None:
    deployment = {"spec": {"selector": {"matchLabels": {"app": "p"}}}}
    reader = FakeReader([CRASHING], objects={("Deployment", "kubecost", "analyzer"): deployment})
    verdict = failed("cost.kubecost.proxy_unavailable", service="x:9090", workload="analyzer")
    found = collect(
        reader, replace(verdict, params={**verdict.params, "namespace": "kubecost"}), "en"
    )  # type: ignore[arg-type]
    assert found is not None
    assert "-n kubecost -l app=p" in found.as_text()


def test_healthy_pods_behind_a_named_service_add_nothing() -> None:
    healthy = {
        "metadata": {"name": "web-1"},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }
    reader = FakeReader([healthy], objects={("Service", "demo", "web-service"): SERVICE})
    verdict = failed("obs.demo.unexpected_page", service="Service demo/web-service:80")
    assert collect(reader, verdict, "en") is None  # type: ignore[arg-type]


def test_the_simulator_serves_previous_logs_like_the_kubelet() -> None:
    with start("obs-promtail-crash") as cluster:
        path = "/api/v1/namespaces/monitoring/pods/loki-promtail-x7k2m/log"
        previous = requests.get(
            cluster.server_url + path,
            params={"container": "promtail", "previous": "true", "tailLines": "1"},
            timeout=5,
        )
        assert previous.status_code == 200
        assert "too many open files" in previous.text
        assert "09:19:51" in previous.text  # the instance before the last restart
        healthy = requests.get(
            cluster.server_url + "/api/v1/namespaces/monitoring/pods/loki-promtail-h3n9q/log",
            params={"container": "promtail", "previous": "true"},
            timeout=5,
        )
        assert healthy.status_code == 400
        assert 'previous terminated container "promtail"' in healthy.json()["message"]


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


def test_the_same_warning_for_several_pods_is_one_line() -> None:
    def about_pod(name: str) -> dict[str, Any]:
        return {**WARNING, "involvedObject": {"kind": "Pod", "name": name}}

    class Replicas(FakeReader):
        def events_for(self, namespace: str, names: Sequence[str]) -> list[Any]:
            return [about_pod("p-1"), about_pod("p-2"), {**about_pod("p-3"), "message": "other"}]

    found = collect(Replicas([_crashing("p-1")]), _verdict(), "en")  # type: ignore[arg-type]
    assert found is not None
    text = found.as_text()
    assert "BackOff  Pod/p-1, Pod/p-2: Back-off restarting failed container promtail (x12)" in text
    assert "BackOff  Pod/p-3: other (x12)" in text
    assert text.count("Back-off restarting failed container promtail") == 1
