"""Talking to Grafana as the student does: on its NodePort, with the admin credentials.

The credentials come from the Secret the chart writes. They are kept in memory
only and never put in a verdict's parameters.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import probes
from ..kubeapi import Answer
from ..readers import MalformedAnswer
from ..readers import grafana as answers
from ..verdict import Verdict, failed, pending
from .http_answers import no_answer_reason

if TYPE_CHECKING:
    from ..lab import Lab


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str = ""

    def __repr__(self) -> str:  # keep the password out of any traceback or log
        return f"Credentials(user={self.user!r}, password=***)"

    def auth(self) -> tuple[str, str]:
        return self.user, self.password


def _decode(raw: object) -> str | None:
    if not isinstance(raw, str):
        return None
    try:
        return base64.b64decode(raw, validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def credentials(lab: Lab) -> Credentials | Verdict:
    """The admin user and password from the Grafana Secret, or a failed verdict."""
    conf = lab.expected["grafana"]
    namespace, name = lab.expected["namespace"], conf["secret"]
    secret = lab.cluster.get("Secret", name, namespace)
    where = f"Secret {namespace}/{name}"
    if secret is None:
        return failed("obs.grafana.secret_missing", secret=where)
    data = secret.get("data") or {}
    user = _decode(data.get(conf["user_key"]))
    password = _decode(data.get(conf["password_key"]))
    if not user or not password:
        missing = [
            k for k, v in ((conf["user_key"], user), (conf["password_key"], password)) if not v
        ]
        return failed("obs.grafana.secret_keys", secret=where, keys=", ".join(missing))
    return Credentials(user, password)


def get(
    lab: Lab, path: str, creds: Credentials | None = None, params: dict[str, str] | None = None
) -> Answer | probes.NoAnswer:
    """GET ``path`` on Grafana's NodePort, authenticated when ``creds`` are given."""
    url = lab.nodeports.url(int(lab.expected["grafana"]["node_port"]), path)
    return probes.http_get(url, auth=creds.auth() if creds else None, params=params)


def _gone(lab: Lab, answer: probes.NoAnswer) -> Verdict:
    return pending(
        "obs.grafana.gone",
        port=lab.expected["grafana"]["node_port"],
        reason=no_answer_reason(answer),
    )


def datasources(lab: Lab, creds: Credentials) -> list[answers.Datasource] | Verdict:
    """Grafana's datasources (``/api/datasources``), or the verdict that explains why not."""
    answer = get(lab, "/api/datasources", creds)
    if isinstance(answer, probes.NoAnswer):
        return _gone(lab, answer)
    try:
        return answers.read_datasources(answer.text)
    except MalformedAnswer as exc:
        return failed(
            "obs.grafana.api_bad",
            path="/api/datasources",
            status=answer.status,
            reason=exc.phrase,
        )


def datasource_health(lab: Lab, creds: Credentials, source: answers.Datasource) -> Verdict | str:
    """Run Grafana's health check of ``source``: its message when healthy, else a verdict."""
    answer = get(lab, f"/api/datasources/uid/{source.uid}/health", creds)
    if isinstance(answer, probes.NoAnswer):
        return _gone(lab, answer)
    try:
        healthy, message = answers.read_datasource_health(answer.text)
    except MalformedAnswer as exc:
        return failed("obs.grafana.datasource_unhealthy", name=source.name, reason=exc.phrase)
    if healthy:
        return message or "ok"
    return failed("obs.grafana.datasource_unhealthy", name=source.name, reason=message or "-")
