"""What simulated Services answer over HTTP (through the proxy and their NodePorts)."""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from dataclasses import dataclass

from .scenario import Route, Scenario


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: str


def _render(body: str) -> str:
    # Scenarios can ask for "now" so that "logs from the last 15 minutes" stay true.
    now = time.time()
    return (
        body.replace("${NOW_NS}", str(int(now * 1e9)))
        .replace("${NOW_S}", str(int(now)))
        .replace("${NOW_MS}", str(int(now * 1000)))
    )


def _authorized(route: Route, scenario: Scenario, namespace: str, header: str | None) -> bool:
    auth = route.basic_auth
    if not auth:
        return True
    if not header or not header.startswith("Basic "):
        return False
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return False
    secret = str(auth.get("secret", ""))
    want_user = scenario.secret_value(namespace, secret, str(auth.get("user_key", "admin-user")))
    want_password = scenario.secret_value(
        namespace, secret, str(auth.get("password_key", "admin-password"))
    )
    return bool(want_password) and user == want_user and password == want_password


def answer(
    scenario: Scenario,
    service_key: str,
    path: str,
    query: Mapping[str, str],
    authorization: str | None,
) -> Reply:
    """Answer ``GET path?query`` as the app behind ``namespace/service`` would."""
    namespace = service_key.split("/", 1)[0]
    routes = scenario.apps.get(service_key, [])
    normalized = "/" + path.lstrip("/")
    for route in routes:
        if route.path.rstrip("/") != normalized.rstrip("/") and route.path != normalized:
            continue
        if any(query.get(k) != v for k, v in route.query.items()):
            continue
        if not _authorized(route, scenario, namespace, authorization):
            return Reply(401, "application/json", '{"message":"invalid username or password"}')
        return Reply(route.status, route.content_type, _render(route.body))
    return Reply(404, "text/plain; charset=utf-8", "404 page not found\n")
