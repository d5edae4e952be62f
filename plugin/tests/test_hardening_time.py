"""A hard bound on time, whatever the cluster, the NodePorts or the credential plugin do.

Fake servers on 127.0.0.1 trickle bodies and headers one byte at a time (a socket read
timeout never fires), the simulator's API server drips and throttles forever, and an
``exec:`` credential plugin sleeps. Every exchange must end at its total limit, every
retry within the run deadline, and whole runs within ``--lab-deadline`` plus a margin,
with a grade file and never a grader error.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from pytest_kubelab import probes, timebox
from pytest_kubelab.kube import kubeconfig
from pytest_kubelab.kube import transport as kubeapi
from pytest_kubelab.kube.kubeconfig import KubeconfigProblem
from pytest_kubelab.kube.transport import ClusterUnreachable, KubeApi, KubeApiError
from pytest_kubelab.sim.nodeports import refusing_port
from pytest_kubelab.sim.runtime import start

from .conftest import LabRun

# What a run may take beyond --lab-deadline by its own clock (the grade file's
# ``duration_s``, from configuration to the last write): collection (the deadline clock
# starts at the first checkpoint), one grace second, and writing reports.
MARGIN = 12.0
# The same seen from outside, start-up of the inner interpreter included; on a loaded
# machine that alone takes seconds. It still rules out a run that hangs or waits freely.
OUTER_MARGIN = 3 * MARGIN


class Trickle:
    """A TCP server that answers every connection one byte at a time.

    ``mode="body"``: a complete 200 header with Content-Length 1 GB, then the body
    byte by byte. ``mode="headers"``: the status line and headers themselves, byte by byte.
    """

    def __init__(self, mode: str, interval: float = 0.2) -> None:
        self.mode = mode
        self.interval = interval
        self.stopped = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/health"

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000000000\r\n"
        try:
            conn.recv(65536)
            if self.mode == "body":
                conn.sendall(head + b"\r\n")
                drip = b"<" * 10**6
            else:
                drip = head * 1000
            for index in range(len(drip)):
                if self.stopped.wait(self.interval):
                    break
                conn.sendall(drip[index : index + 1])
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stopped.set()
        self.sock.close()


@pytest.fixture
def no_run_deadline() -> Iterator[None]:
    """Each test sets its own run deadline; none may leak into the next test."""
    timebox.start_run(None, "en")
    yield
    timebox.start_run(None, "ko")


@pytest.mark.parametrize("mode", ["body", "headers"])
def test_trickling_nodeport_ends_at_the_total_limit(
    mode: str, monkeypatch: pytest.MonkeyPatch, no_run_deadline: None
) -> None:
    monkeypatch.setattr(probes, "TOTAL_TIMEOUT", 1.0)  # same code path, shorter wait
    server = Trickle(mode)
    try:
        started = time.monotonic()
        answer = probes.http_get(server.url)
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert isinstance(answer, probes.NoAnswer)
    assert answer.reason == "timed out"
    assert elapsed < 5.0  # the patched 1 s limit ended it, not the unpatched 10 s


def test_probe_limits_are_the_documented_ones() -> None:
    assert probes.TOTAL_TIMEOUT == 10.0
    assert kubeapi.REQUEST_TOTAL == 30.0
    assert kubeconfig.EXEC_TIMEOUT == 10.0
    assert timebox.GRACE == 1.0


def test_the_run_deadline_cuts_a_probe_and_then_refuses_new_ones(no_run_deadline: None) -> None:
    server = Trickle("body")
    try:
        timebox.start_run(time.monotonic() + 0.5, "en")
        started = time.monotonic()
        with pytest.raises(timebox.DeadlineReached) as cut:
            probes.http_get(server.url)
        # Cut at the deadline plus its grace second (with room for a loaded machine);
        # the probe's own limit would end it only after 10 s.
        assert time.monotonic() - started < 0.5 + timebox.GRACE + 3.0
        assert "GET http://127.0.0.1" in cut.value.msg
        assert "Deadline reached" in cut.value.msg
        started = time.monotonic()
        with pytest.raises(timebox.DeadlineReached):
            probes.http_get(f"http://127.0.0.1:{refusing_port()}/")
        assert time.monotonic() - started < 1.0  # refused before any connect timeout (2 s)
    finally:
        server.close()
    # It is also an Exception, so optional extras (diagnostics, prefetch) survive it.
    assert issubclass(timebox.DeadlineReached, Exception)


def test_dripping_api_server_is_cut_and_then_unreachable(
    monkeypatch: pytest.MonkeyPatch, no_run_deadline: None
) -> None:
    monkeypatch.setattr(kubeapi, "REQUEST_TOTAL", 2.0)
    with start("fault-api-trickle") as sim:
        api = KubeApi(sim.kubeconfig, sim.scenario.context)
        started = time.monotonic()
        with pytest.raises(ClusterUnreachable) as first:
            api.get_json("/api/v1/nodes")
        assert time.monotonic() - started < 2.0 + 4.0  # the patched 2 s, not the usual 30 s
        assert "no complete answer within 2 s" in first.value.reason
        started = time.monotonic()
        with pytest.raises(ClusterUnreachable):
            api.get_json("/api/v1/pods")
        # Known unreachable: no second wait, which would take the whole 2 s again.
        assert time.monotonic() - started < 1.0
        api.close()


def test_permanent_429_with_long_retry_after_stops_at_the_deadline(no_run_deadline: None) -> None:
    with start("fault-api-429-forever") as sim:
        api = KubeApi(sim.kubeconfig, sim.scenario.context)
        timebox.start_run(time.monotonic() + 3.0, "en")
        started = time.monotonic()
        with pytest.raises(KubeApiError) as throttled:
            api.get_json("/api/v1/nodes")
        elapsed = time.monotonic() - started
        api.close()
    assert throttled.value.status == 429
    # Stopped by the 3 s deadline (plus grace and room for a loaded machine), long before
    # the request's own 30 s limit.
    assert elapsed < 3.0 + timebox.GRACE + 3.0


def _exec_kubeconfig(tmp_path: Path, script: str, server: str) -> Path:
    plugin = tmp_path / "credential-plugin"
    plugin.write_text(f"#!{sys.executable}\n{script}", encoding="utf-8")
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR)
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "kind-lab-cluster", "cluster": {"server": server}}],
        "users": [
            {
                "name": "kind-lab-cluster",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1",
                        "command": str(plugin),
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
        "contexts": [
            {
                "name": "kind-lab-cluster",
                "context": {"cluster": "kind-lab-cluster", "user": "kind-lab-cluster"},
            }
        ],
        "current-context": "kind-lab-cluster",
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


HANGING_PLUGIN = """\
import os, sys, time
open(os.environ["PID_FILE"], "w").write(str(os.getpid()))
sys.stderr.write("token=hunter2-secret-value\\n")
time.sleep(600)
"""
FAILING_PLUGIN = """\
import sys
sys.stderr.write("\\x1b[2J Authorization: Bearer hunter2-secret-value\\n")
sys.exit(3)
"""


def test_hung_exec_plugin_is_stopped_and_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_run_deadline: None
) -> None:
    monkeypatch.setattr(kubeconfig, "EXEC_TIMEOUT", 1.0)
    pid_file = tmp_path / "pid"
    monkeypatch.setenv("PID_FILE", str(pid_file))
    path = _exec_kubeconfig(tmp_path, HANGING_PLUGIN, f"http://127.0.0.1:{refusing_port()}")
    started = time.monotonic()
    with pytest.raises(KubeconfigProblem) as problem:
        KubeApi(path, None)
    assert time.monotonic() - started < 6.0  # the patched 1 s limit, not the usual 10 s
    assert problem.value.issue.code == "exec_timeout"
    text = problem.value.issue.sentence(path, "en")
    assert "credential-plugin" in text and "did not answer within 1" in text
    assert "hunter2" not in text
    pid = int(pid_file.read_text(encoding="utf-8"))
    for _ in range(50):  # the plugin was killed, not left behind
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the hung credential plugin is still running")


def test_failing_exec_plugin_output_never_reaches_the_message(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], no_run_deadline: None
) -> None:
    path = _exec_kubeconfig(tmp_path, FAILING_PLUGIN, f"http://127.0.0.1:{refusing_port()}")
    with pytest.raises(KubeconfigProblem) as problem:
        KubeApi(path, None)
    assert problem.value.issue.code == "exec_failed"
    assert problem.value.issue.params["code"] == 3
    out, err = capfd.readouterr()
    for text in (problem.value.issue.sentence(path, "ko"), out, err):
        assert "hunter2" not in text
        assert "\x1b" not in text


@pytest.mark.parametrize(
    ("scenario", "deadline"),
    [("fault-nodeport-trickle", 10), ("fault-api-trickle", 8), ("fault-api-429-forever", 10)],
)
def test_faulty_runs_end_within_the_deadline_with_a_grade(
    run_lab: Callable[..., LabRun], scenario: str, deadline: int
) -> None:
    # Shorter than the scenario's own cap (a CI job's 20 s or 15 s): the same ending on
    # time, proven in less wall time; the scenario's cap still applies when it is lower.
    started = time.monotonic()
    run = run_lab(scenario, "--lab-lang", "en", "--lab-deadline", str(deadline))
    elapsed = time.monotonic() - started
    assert run.grade, run.text
    assert run.grade["meta"]["duration_s"] < deadline + MARGIN, run.grade["meta"]
    assert elapsed < deadline + OUTER_MARGIN, (elapsed, run.text)
    assert run.result.ret == 1
    assert "error" not in run.outcomes().values(), run.text
    assert "INTERNALERROR" not in run.text
    for cid in run.outcomes():
        assert run.checkpoint(cid)["message"], cid


def test_hung_exec_plugin_run_ends_within_the_deadline(
    pytester: pytest.Pytester, lab_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PID_FILE", str(tmp_path / "pid"))
    path = _exec_kubeconfig(tmp_path, HANGING_PLUGIN, f"http://127.0.0.1:{refusing_port()}")
    grade = tmp_path / "grade.json"
    started = time.monotonic()
    result = pytester.runpytest_subprocess(
        str(lab_copy / "tests"),
        "--kubeconfig",
        str(path),
        "--lab-deadline",
        "5",
        "--lab-lang",
        "en",
        "--grade-json",
        str(grade),
    )
    elapsed = time.monotonic() - started
    assert result.ret == 1
    data = json.loads(grade.read_text(encoding="utf-8"))
    assert data["meta"]["duration_s"] < 5 + MARGIN, data["meta"]
    assert elapsed < 5 + OUTER_MARGIN
    outcomes = {c["id"]: c for c in data["checkpoints"]}
    for cid in ("obs.1.cluster-reachable", "cost.1.cluster-reachable"):
        assert outcomes[cid]["outcome"] == "failed"
        assert "credential plugin" in outcomes[cid]["message"]
    assert "hunter2" not in result.stdout.str() + result.stderr.str()
