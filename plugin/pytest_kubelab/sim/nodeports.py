"""NodePort stand-ins: one local HTTP server per NodePort Service of the scenario.

Real kind clusters expose NodePorts on the host through ``extraPortMappings``;
here each nodePort is mapped to a free local port. A NodePort whose Service has
no ready endpoints, or that the scenario marks ``nodeport_refuse``, maps to a
port that refuses connections, as kube-proxy's REJECT rule does.
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..kube.reader import name_of, namespace_of
from .apps import answer
from .scenario import Scenario


class _AppHandler(BaseHTTPRequestHandler):
    server: _AppServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        if self.server.hang.is_set():
            self.server.hang_release.wait(60)
            return
        if self.server.trickle:
            self._trickle()
            return
        url = urlsplit(self.path)
        reply = answer(
            self.server.scenario,
            self.server.service_key,
            url.path,
            dict(parse_qsl(url.query)),
            self.headers.get("Authorization"),
        )
        data = reply.body.encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self) -> None:
        # 200 with a huge Content-Length, then one byte per interval: a socket read
        # timeout never fires, only a total time limit ends this.
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(10**9))
        self.end_headers()
        while not self.server.hang_release.is_set():
            try:
                self.wfile.write(b"<")
                self.wfile.flush()
            except OSError:
                return
            self.server.hang_release.wait(self.server.trickle)


class _AppServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: the grader's parallel snapshot opens 16
    # connections at once, and the connections a full backlog drops are retried by TCP only
    # after 1 s, 3 s, 7 s ... A real API server listens with the system's backlog.
    request_queue_size = 128

    def __init__(
        self,
        scenario: Scenario,
        service_key: str,
        hang: bool,
        trickle: float = 0.0,
        listen: bool = True,
    ) -> None:
        # listen=False holds the port (bound, not listening: connections are refused)
        # until server_activate(), for a NodePort a timeline step makes answer later.
        super().__init__(("127.0.0.1", 0), _AppHandler, bind_and_activate=False)
        self.server_bind()
        if listen:
            self.server_activate()
        self.scenario = scenario
        self.service_key = service_key
        self.hang = threading.Event()
        self.hang_release = threading.Event()
        self.trickle = trickle  # seconds between bytes; 0: answer normally
        if hang:
            self.hang.set()


# Kubernetes' default --service-node-port-range.
NODEPORT_RANGE = range(30000, 32768)


def refusing_port() -> int:
    """A local port with nothing listening, so connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class NodePortStandIns:
    """Starts the stand-ins and knows which local port serves each nodePort."""

    def __init__(self, scenario: Scenario) -> None:
        self.mapping: dict[int, int] = {}
        self._servers: list[_AppServer] = []
        self._held: dict[int, tuple[_AppServer, str, str]] = {}  # nodePort: (server, ns, name)
        self.scenario = scenario
        refuse = {int(p) for p in scenario.faults.get("nodeport_refuse") or []}
        hang = {int(p) for p in scenario.faults.get("nodeport_hang") or []}
        trickle = {int(p) for p in scenario.faults.get("nodeport_trickle") or []}
        interval = float(scenario.faults.get("trickle_interval") or 2.0)
        for service in scenario.of_kind("Service"):
            spec = service.get("spec") or {}
            if spec.get("type") not in ("NodePort", "LoadBalancer"):
                continue
            key = f"{namespace_of(service)}/{name_of(service)}"
            endpoints = scenario.find("Endpoints", name_of(service), namespace_of(service)) or {}
            has_ready = any(s.get("addresses") for s in endpoints.get("subsets") or [])
            for port in spec.get("ports") or []:
                node_port = port.get("nodePort")
                if not node_port:
                    continue
                node_port = int(node_port)
                if not has_ready and node_port not in refuse and scenario.timeline:
                    held = _AppServer(scenario, key, False, listen=False)
                    self._held[node_port] = (held, namespace_of(service), name_of(service))
                    self.mapping[node_port] = int(held.server_address[1])
                    continue
                if node_port in refuse or not has_ready:
                    self.mapping[node_port] = refusing_port()
                    continue
                drip = interval if node_port in trickle else 0.0
                server = _AppServer(scenario, key, node_port in hang, drip)
                self._servers.append(server)
                # A short poll interval: stop() waits for it once per stand-in.
                threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
                self.mapping[node_port] = int(server.server_address[1])
        # Every other port of the NodePort range refuses, as on a node where no Service
        # holds it: without this, a probe of an unserved nodePort would reach whatever
        # happens to listen on that port of this machine and could pass.
        self.of_services = dict(self.mapping)  # the nodePorts the scenario's Services hold
        self.unserved = refusing_port()
        for node_port in NODEPORT_RANGE:
            self.mapping.setdefault(node_port, self.unserved)

    def open_ready(self) -> None:
        """Start answering on the held NodePorts whose Service now has ready endpoints."""
        for node_port, (server, namespace, name) in list(self._held.items()):
            endpoints = self.scenario.find("Endpoints", name, namespace) or {}
            if any(s.get("addresses") for s in endpoints.get("subsets") or []):
                server.server_activate()
                threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
                self._servers.append(server)
                del self._held[node_port]

    def stop(self) -> None:
        for server, _, _ in self._held.values():
            server.server_close()
        for server in self._servers:
            server.hang_release.set()
            server.shutdown()
            server.server_close()
