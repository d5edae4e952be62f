"""A small read-only Kubernetes API server over a scenario (stdlib ``ThreadingHTTPServer``).

It answers GET for objects and lists (label and field selectors), Status
bodies for errors, pod logs, the service proxy, and enough discovery for
``kubectl get``. Every request is logged, so a run can prove it never wrote.
"""

from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from ..kube import selectors
from ..kube.reader import labels_of, name_of, namespace_of
from ..kube.resources import RESOURCES, Resource, resource_at
from .apps import Reply, answer
from .scenario import PREVIOUS_SUFFIX, Scenario

# serve_forever's default 0.5 s poll makes every shutdown wait up to that long.
POLL_INTERVAL = 0.05
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Discovery lists the short names, so `kubectl get hpa -A` / `svc` / `deploy` resolve.
SHORT_NAMES = {
    "Namespace": ["ns"],
    "Node": ["no"],
    "Pod": ["po"],
    "Service": ["svc"],
    "Endpoints": ["ep"],
    "ConfigMap": ["cm"],
    "Event": ["ev"],
    "PersistentVolumeClaim": ["pvc"],
    "Deployment": ["deploy"],
    "StatefulSet": ["sts"],
    "DaemonSet": ["ds"],
    "ReplicaSet": ["rs"],
    "HorizontalPodAutoscaler": ["hpa"],
}


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    query: str


def status_body(code: int, reason: str, message: str) -> str:
    return json.dumps(
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": reason,
            "code": code,
        }
    )


def _field_value(obj: Mapping[str, Any], path: str) -> str:
    value: Any = obj
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return "" if value is None else str(value)


def _field_match(selector: str) -> Any:
    rules = []
    for part in filter(None, (p.strip() for p in selector.split(","))):
        negate = "!=" in part
        key, value = part.split("!=" if negate else "=", 1)
        rules.append((key.strip().lstrip("="), value.strip().lstrip("="), negate))
    return lambda obj: all((_field_value(obj, k) == v) != neg for k, v, neg in rules)


class SimState:
    """Scenario plus request log and fault counters, shared by all handler threads."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._faulted: set[str] = set()

    def inject_fault(self, number: int, every: int, target: str, sticky: bool = False) -> bool:
        """Whether request ``number`` for ``target`` gets the injected error.

        Every ``every``-th request fails, except the retry of a request that just
        failed: real transient errors clear up, and with parallel clients a global
        counter could otherwise fail one path until the client gives up. A
        ``sticky`` fault (``error_sticky: true``) never clears: every request fails.
        """
        if sticky:
            return True
        with self._lock:
            if target in self._faulted:
                self._faulted.discard(target)
                return False
            if every and number % every == 0:
                self._faulted.add(target)
                return True
        return False

    def record(self, method: str, path: str, query: str) -> int:
        with self._lock:
            self.log.append(LoggedRequest(method, path, query))
        return next(self._counter)

    @property
    def mutating_requests(self) -> list[LoggedRequest]:
        return [r for r in self.log if r.method in MUTATING]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        return

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._serve("PUT")

    def do_PATCH(self) -> None:  # noqa: N802
        self._serve("PATCH")

    def do_DELETE(self) -> None:  # noqa: N802
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        state = self.server.state
        url = urlsplit(self.path)
        number = state.record(method, url.path, url.query)
        faults = state.scenario.faults
        self._latency(faults)
        if method != "GET":
            self._send(405, status_body(405, "MethodNotAllowed", "the simulator is read-only"))
            return
        every = int(faults.get("error_every") or 0)
        if state.inject_fault(number, every, self.path, bool(faults.get("error_sticky"))):
            code = int(faults.get("error_status", 500))
            headers = {"Retry-After": str(faults.get("retry_after", 1))} if code == 429 else {}
            reason = "TooManyRequests" if code == 429 else "InternalError"
            self._send(code, status_body(code, reason, "injected fault"), extra=headers)
            return
        try:
            reply = route(state.scenario, unquote(url.path), dict(parse_qsl(url.query)), self)
        except Exception as exc:  # a simulator bug must surface as a 500, never hang
            reply = Reply(500, "application/json", status_body(500, "InternalError", repr(exc)))
        self._send(reply.status, reply.body, reply.content_type)

    def _latency(self, faults: Mapping[str, Any]) -> None:
        latency = faults.get("latency_ms")
        if isinstance(latency, list) and len(latency) == 2:
            time.sleep(random.uniform(float(latency[0]), float(latency[1])) / 1000)
        elif latency:
            time.sleep(float(latency) / 1000)

    def _send(
        self,
        code: int,
        body: str,
        content_type: str = "application/json",
        extra: Mapping[str, str] | None = None,
    ) -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        interval = self.server.state.scenario.faults.get("api_trickle")
        if interval:
            trickle(self.wfile, data, float(interval))
            return
        self.wfile.write(data)


def trickle(out: Any, data: bytes, interval: float) -> None:
    """Send ``data`` one byte per ``interval`` seconds (the ``*_trickle`` faults).

    Ends when the whole body is out or the client hangs up.
    """
    for index in range(len(data)):
        try:
            out.write(data[index : index + 1])
            out.flush()
        except OSError:
            return
        time.sleep(interval)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: the grader's parallel snapshot opens 16
    # connections at once, and the connections a full backlog drops are retried by TCP only
    # after 1 s, 3 s, 7 s ... A real API server listens with the system's backlog.
    request_queue_size = 128

    def __init__(self, state: SimState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


def _json(data: Any, code: int = 200) -> Reply:
    return Reply(code, "application/json", json.dumps(data))


def _not_found(resource: str, name: str) -> Reply:
    return Reply(
        404, "application/json", status_body(404, "NotFound", f'{resource} "{name}" not found')
    )


def route(scenario: Scenario, path: str, query: dict[str, str], handler: Any) -> Reply:
    """Dispatch one GET to discovery, proxy, logs or object storage."""
    parts = [p for p in path.split("/") if p]
    if path == "/version":
        minor = scenario.version.split(".")[1] if "." in scenario.version else "0"
        return _json(
            {
                "major": "1",
                "minor": minor,
                "gitVersion": scenario.version,
                "platform": "linux/amd64",
            }
        )
    discovery = _discovery(parts)
    if discovery is not None:
        return discovery
    if parts[:1] == ["api"] and len(parts) >= 2:
        group_version, rest = "v1", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 3:
        group_version, rest = f"{parts[1]}/{parts[2]}", parts[3:]
    else:
        return _not_found("path", path)
    namespace = None
    if len(rest) >= 2 and rest[0] == "namespaces" and len(rest) > 2:
        namespace, rest = rest[1], rest[2:]
    if not rest:
        return _not_found("path", path)
    resource = resource_at(group_version, rest[0])
    if resource is None:
        return _not_found("resource", rest[0])
    # A kind the cluster does not serve (e.g. core Endpoints on a future Kubernetes).
    if resource.kind in (scenario.faults.get("unserved") or []):
        return _not_found("resource", resource.plural)
    forbidden = scenario.faults.get("forbidden") or []
    if resource.kind in forbidden:
        message = (
            f'{resource.plural} is forbidden: User "student" cannot list resource '
            f'"{resource.plural}" in API group "{group_version.rpartition("/")[0]}"'
        )
        return Reply(403, "application/json", status_body(403, "Forbidden", message))
    unavailable = _metrics_unavailable(scenario, resource)
    if unavailable is not None:
        return unavailable
    if len(rest) >= 3 and resource.kind == "Service" and rest[2] == "proxy":
        return _proxy(scenario, namespace or "", rest[1], "/".join(rest[3:]), query, handler)
    if len(rest) >= 3 and resource.kind == "Pod" and rest[2] == "log":
        return _log(scenario, namespace or "", rest[1], query)
    if len(rest) == 1:
        return _mangled(scenario, resource, _list(scenario, resource, namespace, query))
    obj = scenario.find(resource.kind, rest[1], namespace or "")
    return _json(obj) if obj is not None else _not_found(resource.plural, rest[1])


def _mangled(scenario: Scenario, resource: Resource, reply: Reply) -> Reply:
    """Apply the ``malformed: {Kind: html|truncated|text}`` fault to a LIST answer.

    ``html`` is what a misconfigured proxy in front of the API server answers,
    ``truncated`` a body cut off mid-stream, ``text`` valid JSON with a wrong content type.
    """
    mode = (scenario.faults.get("malformed") or {}).get(resource.kind)
    if mode == "html":
        page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
        return Reply(200, "text/html", page)
    if mode == "truncated":
        return Reply(reply.status, reply.content_type, reply.body[: len(reply.body) // 2])
    if mode == "text":
        return Reply(reply.status, "text/plain", reply.body)
    return reply


def _metrics_unavailable(scenario: Scenario, resource: Resource) -> Reply | None:
    if not resource.group_version.startswith("metrics.k8s.io"):
        return None
    apiservice = scenario.find("APIService", "v1beta1.metrics.k8s.io")
    if apiservice is None:
        return _not_found("resource", resource.plural)
    conditions = (apiservice.get("status") or {}).get("conditions") or []
    if any(c.get("type") == "Available" and c.get("status") == "True" for c in conditions):
        return None
    return Reply(
        503,
        "application/json",
        status_body(
            503, "ServiceUnavailable", "the server is currently unable to handle the request"
        ),
    )


def _list(
    scenario: Scenario, resource: Resource, namespace: str | None, query: Mapping[str, str]
) -> Reply:
    match_labels = selectors.parse(query.get("labelSelector"))
    match_fields = _field_match(query.get("fieldSelector", ""))
    items = [
        obj
        for obj in scenario.of_kind(resource.kind, namespace if resource.namespaced else None)
        if match_labels(labels_of(obj)) and match_fields(obj)
    ]
    items.sort(key=lambda o: (namespace_of(o), name_of(o)))
    return _json(
        {
            "kind": f"{resource.kind}List",
            "apiVersion": resource.group_version,
            "metadata": {"resourceVersion": "1"},
            "items": items,
        }
    )


def _log(scenario: Scenario, namespace: str, pod: str, query: Mapping[str, str]) -> Reply:
    if scenario.find("Pod", pod, namespace) is None:
        return _not_found("pods", pod)
    container = query.get("container", "")
    key = f"{namespace}/{pod}/{container}"
    if query.get("previous") == "true":
        # Like the kubelet: only a container that terminated before has a previous log.
        if f"{key}{PREVIOUS_SUFFIX}" not in scenario.logs:
            return Reply(
                400,
                "application/json",
                status_body(
                    400,
                    "BadRequest",
                    f'previous terminated container "{container}" in pod "{pod}" not found',
                ),
            )
        key += PREVIOUS_SUFFIX
    text = scenario.logs.get(key, "")
    tail = int(query.get("tailLines", "0") or 0)
    lines = text.splitlines()
    if tail:
        lines = lines[-tail:]
    body = "\n".join(lines) + ("\n" if lines else "")
    limit = int(query.get("limitBytes", "0") or 0)
    if limit and not state_ignores_limits(scenario):
        # Like the kubelet: the first limitBytes bytes of what tailLines selected.
        body = body.encode()[:limit].decode("utf-8", "ignore")
    return Reply(200, "text/plain", body)


def state_ignores_limits(scenario: Scenario) -> bool:
    """Whether the scenario models a server that ignores ``limitBytes`` (``ignore_limit_bytes``)."""
    return bool(scenario.faults.get("ignore_limit_bytes"))


def _proxy(
    scenario: Scenario,
    namespace: str,
    target: str,
    subpath: str,
    query: dict[str, str],
    handler: Any,
) -> Reply:
    name, _, port = target.partition(":")
    service = scenario.find("Service", name, namespace)
    if service is None:
        return _not_found("services", name)
    ports = (service.get("spec") or {}).get("ports") or []
    if port and not any(str(p.get("port")) == port or p.get("name") == port for p in ports):
        return Reply(
            503,
            "application/json",
            status_body(
                503, "ServiceUnavailable", f'no service port "{port}" found for service "{name}"'
            ),
        )
    endpoints = scenario.find("Endpoints", name, namespace) or {}
    if not any(s.get("addresses") for s in endpoints.get("subsets") or []):
        return Reply(
            503,
            "application/json",
            status_body(503, "ServiceUnavailable", f'no endpoints available for service "{name}"'),
        )
    return answer(
        scenario,
        f"{namespace}/{name}",
        subpath,
        query,
        handler.headers.get("X-Proxied-Authorization"),
    )


def _discovery(parts: list[str]) -> Reply | None:
    if parts == ["api"]:
        return _json({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []})
    if parts == ["apis"]:
        groups: dict[str, list[str]] = {}
        for resource in RESOURCES.values():
            if resource.group_version != "v1":
                group, _, version = resource.group_version.partition("/")
                groups.setdefault(group, [])
                if version not in groups[group]:
                    groups[group].append(version)
        return _json(
            {
                "kind": "APIGroupList",
                "apiVersion": "v1",
                "groups": [
                    {
                        "name": g,
                        "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                        "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]},
                    }
                    for g, vs in groups.items()
                ],
            }
        )
    group_version = None
    if parts[:1] == ["api"] and len(parts) == 2:
        group_version = parts[1]
    elif parts[:1] == ["apis"] and len(parts) == 3:
        group_version = f"{parts[1]}/{parts[2]}"
    if group_version is None:
        return None
    return _json(
        {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": [
                {
                    "name": r.plural,
                    "singularName": r.kind.lower(),
                    "namespaced": r.namespaced,
                    "kind": r.kind,
                    "verbs": ["get", "list"],
                    "shortNames": SHORT_NAMES.get(r.kind, []),
                }
                for r in RESOURCES.values()
                if r.group_version == group_version
            ],
        }
    )


def serve(scenario: Scenario) -> tuple[_Server, SimState]:
    """Start the API server on 127.0.0.1 with an OS-chosen port, in a daemon thread."""
    state = SimState(scenario)
    server = _Server(state)
    threading.Thread(
        target=server.serve_forever, args=(POLL_INTERVAL,), name="kubelab-sim-api", daemon=True
    ).start()
    return server, state
