"""Fault injection: transient API errors, slowness, an absent API server, forbidden Secrets,
NodePorts that refuse or hang, malformed answers and the run-wide deadline.

Each scenario's grade must match the healthy one, or fail exactly where the fault bites,
with a student-readable message and never a grader error or a hang.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_kubelab import probes
from pytest_kubelab.checks.workloads import release_verdict
from pytest_kubelab.kube import transport as kubeapi
from pytest_kubelab.kube.kubeconfig import resolve
from pytest_kubelab.kube.reader import ClusterReader
from pytest_kubelab.kube.transport import Answer, KubeApi, NotJsonAnswer
from pytest_kubelab.lab import ClusterAccess, Lab
from pytest_kubelab.sim.nodeports import refusing_port
from pytest_kubelab.sim.runtime import SimulatedCluster, start
from pytest_kubelab.verdict import State, passed

from .conftest import LabRun


@pytest.fixture(scope="module")
def healthy() -> dict[str, str]:
    """Outcomes of the healthy run, computed once: the reference the fault runs must match."""
    return {}


def _reference(run_lab: Callable[..., LabRun], cache: dict[str, str]) -> dict[str, str]:
    if not cache:
        run = run_lab("complete")
        assert run.grade, run.text
        cache.update(run.outcomes())
    return cache


@pytest.mark.parametrize("scenario", ["fault-api-500", "fault-api-429", "fault-api-slow"])
def test_transient_faults_do_not_change_the_grade(
    run_lab: Callable[..., LabRun], healthy: dict[str, str], scenario: str
) -> None:
    reference = _reference(run_lab, healthy)
    run = run_lab(scenario)
    assert run.outcomes() == reference, run.text
    assert "error" not in run.outcomes().values()


def test_unreachable_api_ends_fast_with_one_clear_reason(run_lab: Callable[..., LabRun]) -> None:
    started = time.monotonic()
    run = run_lab("api-unreachable", "--lab-wait", "60")
    # Half the budget: a run that waited would take 60 s; a loaded machine may take 10.
    assert time.monotonic() - started < 30, run.text
    outcomes = run.outcomes()
    reachable = {cid for cid in outcomes if cid.endswith(".cluster-reachable")}
    assert reachable
    assert all(outcomes[cid] == "failed" for cid in reachable)
    for cid in reachable:
        assert "Connection refused" in run.checkpoint(cid)["message"]
    others = {cid: o for cid, o in outcomes.items() if cid not in reachable}
    assert others, outcomes
    assert set(others.values()) == {"skipped"}, outcomes
    for cid in others:
        assert "아직 통과하지 못해 건너뜀" in run.checkpoint(cid)["message"]


def test_forbidden_secrets_fail_only_secret_readers(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("fault-secrets-forbidden", "--lab-lang", "en")
    assert "error" not in run.outcomes().values(), run.text
    for cid, outcome in run.outcomes().items():
        message = run.checkpoint(cid)["message"]
        if outcome == "failed":
            assert "Forbidden" in message, (cid, message)
            assert "RBAC" in message, (cid, message)
        elif outcome == "skipped":
            assert "blocked by" in message, (cid, message)


@pytest.fixture
def forbidden_sim() -> Iterator[SimulatedCluster]:
    with start("fault-secrets-forbidden") as sim:
        yield sim


def _lab_on(sim: SimulatedCluster) -> Lab:
    target = resolve(sim.kubeconfig, sim.scenario.context)
    reader = ClusterReader(KubeApi(sim.kubeconfig, sim.scenario.context))
    settings = type("S", (), {"wait": 0.0, "lang": "en"})()
    return Lab(  # only what _evaluate touches is real
        spec=None,  # type: ignore[arg-type]
        checkpoint=None,  # type: ignore[arg-type]
        settings=settings,
        access=ClusterAccess(target, reader),
        nodeports=probes.NodePorts("127.0.0.1", {}),
        deadline=None,  # type: ignore[arg-type]
        node=None,  # type: ignore[arg-type]
    )


def test_release_check_on_forbidden_secrets_names_rbac(forbidden_sim: SimulatedCluster) -> None:
    lab = _lab_on(forbidden_sim)
    verdict = lab._evaluate(
        lambda lab: release_verdict(lab.cluster, "monitoring", "prometheus", "helm install ...")
    )
    assert verdict.state is State.FAIL
    text = verdict.render("en")
    assert "Forbidden" in text
    assert "secrets" in text
    assert "RBAC" in text
    # Other kinds are unaffected.
    assert lab.cluster.list("Node")


def test_retry_after_is_capped() -> None:
    assert kubeapi._retry_after({"Retry-After": "1"}) == 1.0
    assert kubeapi._retry_after({"Retry-After": "3600"}) == kubeapi.RETRY_AFTER_CAP == 5.0
    assert kubeapi._retry_after({"Retry-After": "soon"}) is None


def test_429_is_retried_after_the_servers_delay() -> None:
    with start("fault-api-429") as sim:
        api = KubeApi(sim.kubeconfig, sim.scenario.context)
        started = time.monotonic()
        for _ in range(3):  # the 3rd request is throttled once, then answered
            assert api.get_json("/api/v1/nodes") is not None
        elapsed = time.monotonic() - started
        api.close()
        statuses = [r.path for r in sim.state.log] if sim.state else []
    assert len(statuses) == 4  # one throttled request, retried once
    # It slept the server's 1 s, and not the cap (5 s) it would sleep without Retry-After.
    assert 1.0 <= elapsed < kubeapi.RETRY_AFTER_CAP


class _Silent:
    """A TCP port that accepts connections and never answers (a hung NodePort)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


def test_nodeport_probes_never_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (probes.CONNECT_TIMEOUT, probes.READ_TIMEOUT) == (2.0, 5.0)
    assert (kubeapi.CONNECT_TIMEOUT, kubeapi.READ_TIMEOUT) == (3.0, 10.0)
    monkeypatch.setattr(probes, "READ_TIMEOUT", 0.5)  # same code path, shorter wait
    silent = _Silent()
    try:
        started = time.monotonic()
        hung = probes.http_get(f"http://127.0.0.1:{silent.port}/api/health")
        assert isinstance(hung, probes.NoAnswer)
        assert hung.reason == "timed out"
        # Ended by the 0.5 s read timeout: well before the unpatched 5 s one could end it.
        assert time.monotonic() - started < 4
    finally:
        silent.close()
    refused = probes.http_get(f"http://127.0.0.1:{refusing_port()}/")
    assert isinstance(refused, probes.NoAnswer)
    assert refused.reason == "connection refused"


def test_nodeport_faults_keep_the_run_bounded(run_lab: Callable[..., LabRun]) -> None:
    started = time.monotonic()
    run = run_lab("fault-nodeports")
    # At most one read timeout per hung probe; never a hang, never a grader error.
    assert time.monotonic() - started < 60, run.text
    assert run.grade, run.text
    assert "error" not in run.outcomes().values(), run.text


def test_deadline_stops_waiting(run_lab: Callable[..., LabRun]) -> None:
    started = time.monotonic()
    run = run_lab(
        "worker-starting", "--lab-wait", "120", "--lab-deadline", "2", labs=("lab1_kubecost",)
    )
    # Half of --lab-wait: without the deadline the run would wait 120 s.
    assert time.monotonic() - started < 60, run.text
    entry = run.checkpoint("cost.1.nodes-ready")
    assert entry["outcome"] == "failed"
    assert "lab-cluster-worker2" in entry["message"]


def test_pending_scenario_waits_without_a_deadline(run_lab: Callable[..., LabRun]) -> None:
    # The counterpart of the deadline test: the same scenario waits its --lab-wait.
    started = time.monotonic()
    run = run_lab("worker-starting", "--lab-wait", "2", labs=("lab1_kubecost",))
    assert time.monotonic() - started >= 2
    assert run.checkpoint("cost.1.nodes-ready")["outcome"] == "failed"


HTML = "<html><body><h1>502 Bad Gateway</h1></body></html>"


def test_malformed_answer_is_a_failed_verdict_but_grader_bugs_stay_errors(
    forbidden_sim: SimulatedCluster,
) -> None:
    lab = _lab_on(forbidden_sim)

    def reads_html(lab: Lab) -> Any:
        Answer(200, "text/html", HTML).json()
        return passed("x")

    verdict = lab._evaluate(reads_html)
    assert verdict.state is State.FAIL
    assert verdict.key == "answer.malformed"
    assert "502 Bad Gateway" in verdict.render("en")
    with pytest.raises(NotJsonAnswer):
        Answer(200, "application/json", '{"a": ').json()

    def buggy(lab: Lab) -> Any:
        return {}["missing"]

    with pytest.raises(KeyError):
        lab._evaluate(buggy)


def test_malformed_api_answers_fail_with_a_message(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("fault-api-malformed", "--lab-lang", "en")
    outcomes = run.outcomes()
    assert "error" not in outcomes.values(), run.text
    assert "Traceback" not in run.text
    nodes = [cid for cid in outcomes if cid.endswith(".1.nodes")]
    assert nodes
    for cid in nodes:
        assert outcomes[cid] == "failed"
        message = run.checkpoint(cid)["message"]
        assert "JSON was expected" in message
        assert "text/html" in message
