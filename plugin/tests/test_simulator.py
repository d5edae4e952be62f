"""The simulated API server answers like a real one for what the grader and kubectl use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from pytest_kubelab.sim.runtime import SimulatedCluster, start

from .conftest import REPO


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatedCluster]:
    with start("fresh") as cluster:
        yield cluster


def _get(sim: SimulatedCluster, path: str, **params: str) -> requests.Response:
    return requests.get(sim.server_url + path, params=params, timeout=5)


def test_lists_and_gets_objects(sim: SimulatedCluster) -> None:
    nodes = _get(sim, "/api/v1/nodes").json()
    assert nodes["kind"] == "NodeList"
    assert [n["metadata"]["name"] for n in nodes["items"]] == [
        "lab-cluster-control-plane",
        "lab-cluster-worker",
        "lab-cluster-worker2",
    ]
    node = _get(sim, "/api/v1/nodes/lab-cluster-worker").json()
    assert node["status"]["nodeInfo"]["kubeletVersion"] == "v1.31.2"


def test_label_and_field_selectors(sim: SimulatedCluster) -> None:
    pods = _get(sim, "/api/v1/namespaces/kube-system/pods", labelSelector="k8s-app=kube-proxy")
    assert len(pods.json()["items"]) == 3
    on_worker = _get(
        sim,
        "/api/v1/namespaces/kube-system/pods",
        labelSelector="k8s-app in (kube-proxy,kindnet)",
        fieldSelector="spec.nodeName=lab-cluster-worker",
    ).json()["items"]
    assert sorted(p["metadata"]["name"] for p in on_worker) == ["kindnet-b8xkz", "kube-proxy-2lpf7"]


def test_missing_object_is_a_404_status(sim: SimulatedCluster) -> None:
    answer = _get(sim, "/apis/apps/v1/namespaces/monitoring/deployments/prometheus-grafana")
    assert answer.status_code == 404
    body: dict[str, Any] = answer.json()
    assert body["kind"] == "Status"
    assert body["reason"] == "NotFound"


def test_metrics_api_is_absent_without_metrics_server(sim: SimulatedCluster) -> None:
    assert _get(sim, "/apis/metrics.k8s.io/v1beta1/nodes").status_code == 404


def test_discovery_for_kubectl(sim: SimulatedCluster) -> None:
    assert _get(sim, "/api").json()["versions"] == ["v1"]
    groups = {g["name"] for g in _get(sim, "/apis").json()["groups"]}
    assert {"apps", "autoscaling", "metrics.k8s.io", "apiregistration.k8s.io"} <= groups
    names = {r["name"] for r in _get(sim, "/apis/apps/v1").json()["resources"]}
    assert {"deployments", "statefulsets", "daemonsets"} <= names


def test_service_proxy_without_endpoints_is_503(sim: SimulatedCluster) -> None:
    answer = _get(sim, "/api/v1/namespaces/default/services/kubernetes/proxy/healthz")
    assert answer.status_code == 503
    assert "no endpoints available" in answer.json()["message"]


def test_writes_are_refused_and_logged(sim: SimulatedCluster) -> None:
    answer = requests.delete(sim.server_url + "/api/v1/nodes/lab-cluster-worker", timeout=5)
    assert answer.status_code == 405
    assert sim.state is not None
    assert [(r.method, r.path) for r in sim.state.mutating_requests] == [
        ("DELETE", "/api/v1/nodes/lab-cluster-worker")
    ]
    sim.state.log.clear()


def test_kubeconfig_points_at_the_simulator(sim: SimulatedCluster) -> None:
    text = sim.kubeconfig.read_text(encoding="utf-8")
    assert sim.server_url in text
    assert "current-context: kind-lab-cluster" in text


def test_unknown_scenario_is_a_clear_error() -> None:
    from pytest_kubelab.sim.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="unknown scenario 'nope'; available: "):
        start("nope")


def test_log_endpoint_tails(sim: SimulatedCluster) -> None:
    sim.scenario.logs["kube-system/kube-proxy-2lpf7/kube-proxy"] = "a\nb\nc\n"
    answer = _get(
        sim,
        "/api/v1/namespaces/kube-system/pods/kube-proxy-2lpf7/log",
        container="kube-proxy",
        tailLines="2",
    )
    assert answer.text == "b\nc\n"
    assert json.loads(_get(sim, "/version").text)["gitVersion"] == "v1.31.2"


def test_the_serve_command_finds_the_scenarios_of_the_labs_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], outer_run: None
) -> None:
    from pytest_kubelab.sim.__main__ import main

    # Unknown names are refused with the scenarios of the labs it was pointed at.
    with pytest.raises(SystemExit) as stopped:
        main(["no-such-scenario", str(REPO / "examples" / "webapp_lab")])
    assert stopped.value.code == 2
    assert "these labs have: webapp-broken, webapp-complete" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["complete", str(tmp_path)])
    assert f"no lab.yaml in or directly under {tmp_path}" in capsys.readouterr().err
