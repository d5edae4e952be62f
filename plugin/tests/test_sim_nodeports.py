"""In simulator mode a nodePort the scenario does not serve is refused, never the host's port.

Without this, a probe of an unserved nodePort falls through to the same port number on
this machine: a foreign listener on 127.0.0.1:30081 once made ``obs.4.jaeger-ui`` pass
for a scenario where Jaeger has no NodePort at all.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_kubelab.sim.nodeports import NODEPORT_RANGE, NodePortStandIns
from pytest_kubelab.sim.scenario import load_scenario

from .conftest import LabRun


def _refuses(port: int) -> bool:
    with socket.socket() as client:
        client.settimeout(2)
        return client.connect_ex(("127.0.0.1", port)) != 0


def test_every_unserved_nodeport_maps_to_a_refusing_local_port() -> None:
    stand_ins = NodePortStandIns(load_scenario("obs-jaeger-clusterip"))
    try:
        assert set(NODEPORT_RANGE) <= set(stand_ins.mapping)
        assert stand_ins.mapping[30081] != 30081
        assert _refuses(stand_ins.mapping[30081])
        assert not _refuses(stand_ins.mapping[30080])  # Grafana is served in this scenario
        # What `python -m pytest_kubelab.sim` prints: the Services' nodePorts, and the one
        # refusing port that stands for all the others.
        assert 30080 in stand_ins.of_services and 30081 not in stand_ins.of_services
        assert stand_ins.mapping[30081] == stand_ins.mapping[31999] == stand_ins.unserved
    finally:
        stand_ins.stop()


class _JaegerLookalike(BaseHTTPRequestHandler):
    """Answers every GET like Jaeger's UI would."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        body = b"<!doctype html><html><head><title>Jaeger UI</title></head></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


@pytest.fixture
def foreign_listener_on_30081() -> Iterator[ThreadingHTTPServer]:
    """A server of this machine's own, answering like Jaeger where its nodePort would be."""
    try:
        server = ThreadingHTTPServer(("127.0.0.1", 30081), _JaegerLookalike)
    except OSError:
        pytest.fail("127.0.0.1:30081 is taken on this machine; this test needs it free")
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_foreign_listener_cannot_make_an_unserved_nodeport_pass(
    run_lab: Callable[..., LabRun], foreign_listener_on_30081: ThreadingHTTPServer
) -> None:
    run = run_lab(
        "obs-jaeger-clusterip", "-m", "step4", "--lab-lang", "en", labs=("lab1_observability",)
    )
    assert run.outcomes()["obs.4.jaeger-ui"] == "failed", run.text
