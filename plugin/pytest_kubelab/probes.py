"""HTTP probes of what a student opens in the browser: NodePorts on the node address.

Every call has a connect and a read timeout and a total time limit
(:data:`TOTAL_TIMEOUT`, cut to the run deadline), and reads at most
:data:`MAX_BODY_BYTES`, so a port that hangs or trickles can never hang the run.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from . import timebox
from .kube.transport import Answer

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
MAX_BODY_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class NoAnswer:
    """The port did not answer; ``reason`` is short and student-readable."""

    url: str
    reason: str


@dataclass(frozen=True)
class NodePorts:
    """Builds ``http://<node-address>:<nodePort>`` URLs.

    ``mapping`` translates a nodePort to the local port that stands in for it
    (used by the simulated cluster); real clusters leave it empty. ``endpoints``
    (``--nodeport-map``) sends single nodePorts to a host and port of their own,
    e.g. an SSH tunnel's local port; it wins over ``mapping`` and ``address``.
    """

    address: str
    mapping: Mapping[int, int]
    endpoints: Mapping[int, tuple[str, int]] = field(default_factory=dict)

    def url(self, node_port: int, path: str = "/") -> str:
        host, port = self.endpoints.get(
            node_port, (self.address, self.mapping.get(node_port, node_port))
        )
        if ":" in host:  # an IPv6 literal
            host = f"[{host}]"
        return f"http://{host}:{port}/{path.lstrip('/')}"


def http_get(
    url: str,
    *,
    auth: tuple[str, str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Answer | NoAnswer:
    """GET ``url``; never raises for network trouble, returns :class:`NoAnswer` instead.

    Once the run deadline has passed it raises
    :class:`~pytest_kubelab.timebox.DeadlineReached` instead of probing.
    """
    what = timebox.describe_what("GET", url)
    limit = timebox.budget(TOTAL_TIMEOUT, what)
    stop_at = time.monotonic() + limit
    opened: list[Any] = []

    def exchange() -> tuple[requests.Response, bytes]:
        response = requests.get(
            url,
            auth=auth,
            params=params,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=True,
            stream=True,
        )
        opened.append(response.raw)
        try:
            body, _ = timebox.read_body(
                response.raw, limit=limit, stop_at=stop_at, max_bytes=MAX_BODY_BYTES
            )
        finally:
            response.close()
        return response, body

    try:
        response, body = timebox.run_within(
            limit, exchange, on_timeout=lambda: [raw.shutdown() for raw in opened]
        )
    except timebox.TimedOut:
        if timebox.remaining() == 0:
            raise timebox.DeadlineReached(what) from None
        return NoAnswer(url, "timed out")
    except requests.ConnectionError as exc:
        refused = "refused" in str(exc).lower()
        return NoAnswer(url, "connection refused" if refused else "connection failed")
    except requests.Timeout:
        return NoAnswer(url, "timed out")
    except requests.RequestException as exc:
        return NoAnswer(url, type(exc).__name__)
    except OSError as exc:  # a socket error while streaming the body
        return NoAnswer(url, type(exc).__name__)
    return Answer(
        response.status_code, response.headers.get("Content-Type", ""), _text(response, body)
    )


def _text(response: requests.Response, body: bytes) -> str:
    # What requests' .text would give: the declared charset, else UTF-8 (never a slow guess).
    try:
        return body.decode(response.encoding or "utf-8", "replace")
    except LookupError:  # an unknown charset name
        return body.decode("utf-8", "replace")
