"""HTTP probes of what a student opens in the browser: NodePorts on the node address.

Every call has a connect and a read timeout, so a port that hangs can never
hang the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import requests

from .kubeapi import Answer

CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0


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
    """GET ``url``; never raises for network trouble, returns :class:`NoAnswer` instead."""
    try:
        response = requests.get(
            url,
            auth=auth,
            params=params,
            timeout=(CONNECT_TIMEOUT, READ_TIMEOUT),
            allow_redirects=True,
        )
    except requests.ConnectionError as exc:
        refused = "refused" in str(exc).lower()
        return NoAnswer(url, "connection refused" if refused else "connection failed")
    except requests.Timeout:
        return NoAnswer(url, "timed out")
    except requests.RequestException as exc:
        return NoAnswer(url, type(exc).__name__)
    return Answer(response.status_code, response.headers.get("Content-Type", ""), response.text)
