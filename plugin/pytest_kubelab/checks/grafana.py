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
from ..verdict import Verdict, failed

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
