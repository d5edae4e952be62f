"""Grafana as the student uses it: on its NodePort, logged in with the admin account.

``Grafana`` says where it answers and where the chart keeps the admin account; the
checks of step 2 (the NodePort and its health, the login, the Prometheus datasource
and dashboards) take it with the values from ``lab.yaml``. The credentials are read
from the Secret, kept in memory only and never put in a verdict's parameters.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pytest_kubelab import probes
from pytest_kubelab.checks.http_answers import no_answer_reason
from pytest_kubelab.checks.workloads import workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.transport import Answer
from pytest_kubelab.readers import MalformedAnswer
from pytest_kubelab.readers import grafana as answers
from pytest_kubelab.verdict import Verdict, failed, passed, pending

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

NODEPORT_TYPES = ("NodePort", "LoadBalancer")


@dataclass(frozen=True)
class Grafana:
    """Grafana on NodePort ``node_port``; its admin account in Secret ``namespace/secret``."""

    namespace: str
    node_port: int
    secret: str
    user_key: str
    password_key: str


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


def credentials(lab: Lab, grafana: Grafana) -> Credentials | Verdict:
    """The admin user and password from the Grafana Secret, or a failed verdict."""
    secret = lab.cluster.get("Secret", grafana.secret, grafana.namespace)
    where = f"Secret {grafana.namespace}/{grafana.secret}"
    if secret is None:
        return failed("obs.grafana.secret_missing", secret=where)
    data = secret.get("data") or {}
    user = _decode(data.get(grafana.user_key))
    password = _decode(data.get(grafana.password_key))
    if not user or not password:
        keys = ((grafana.user_key, user), (grafana.password_key, password))
        missing = [key for key, value in keys if not value]
        return failed("obs.grafana.secret_keys", secret=where, keys=", ".join(missing))
    return Credentials(user, password)


def get(
    lab: Lab,
    grafana: Grafana,
    path: str,
    creds: Credentials | None = None,
    params: dict[str, str] | None = None,
) -> Answer | probes.NoAnswer:
    """GET ``path`` on Grafana's NodePort, authenticated when ``creds`` are given."""
    url = lab.nodeports.url(int(grafana.node_port), path)
    return probes.http_get(url, auth=creds.auth() if creds else None, params=params)


def gone(grafana: Grafana, answer: probes.NoAnswer) -> Verdict:
    """Grafana stopped answering after it had answered: it may be restarting."""
    return pending("obs.grafana.gone", port=grafana.node_port, reason=no_answer_reason(answer))


def datasources(
    lab: Lab, grafana: Grafana, creds: Credentials
) -> list[answers.Datasource] | Verdict:
    """Grafana's datasources (``/api/datasources``), or the verdict that explains why not."""
    answer = get(lab, grafana, "/api/datasources", creds)
    if isinstance(answer, probes.NoAnswer):
        return gone(grafana, answer)
    try:
        return answers.read_datasources(answer.text)
    except MalformedAnswer as exc:
        return failed(
            "obs.grafana.api_bad",
            path="/api/datasources",
            status=answer.status,
            reason=exc.phrase,
        )


def datasource_health(
    lab: Lab, grafana: Grafana, creds: Credentials, source: answers.Datasource
) -> Verdict | str:
    """Run Grafana's health check of ``source``: its message when healthy, else a verdict."""
    answer = get(lab, grafana, f"/api/datasources/uid/{source.uid}/health", creds)
    if isinstance(answer, probes.NoAnswer):
        return gone(grafana, answer)
    try:
        healthy, message = answers.read_datasource_health(answer.text)
    except MalformedAnswer as exc:
        return failed("obs.grafana.datasource_unhealthy", name=source.name, reason=exc.phrase)
    if healthy:
        return message or "ok"
    return failed("obs.grafana.datasource_unhealthy", name=source.name, reason=message or "-")


def healthy_on_nodeport(grafana: Grafana, service: str, deployment: str, release: str) -> Check:
    """Service ``service`` is NodePort ``grafana.node_port`` and ``/api/health`` says database ok.

    When the port does not answer, a Deployment ``deployment`` (of Helm release
    ``release``) that is not ready is named as the reason.
    """

    def check(lab: Lab) -> Verdict:
        namespace, port = grafana.namespace, int(grafana.node_port)
        found = lab.cluster.get("Service", service, namespace)
        where = f"Service {namespace}/{service}"
        if found is None:
            return failed("obs.grafana.service_missing", service=where)
        spec = found.get("spec") or {}
        node_ports = [p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")]
        if spec.get("type") not in NODEPORT_TYPES:
            kind = spec.get("type", "ClusterIP")
            return failed("obs.service.not_nodeport", service=where, type=kind, port=port)
        if port not in node_ports:
            seen = ", ".join(str(p) for p in node_ports) or "-"
            return failed("obs.service.wrong_nodeport", service=where, port=port, seen=seen)
        answer = get(lab, grafana, "/api/health")
        if isinstance(answer, probes.NoAnswer):
            down = workload_verdict(
                lab.cluster, "Deployment", namespace, deployment, release_name=release
            )
            if not down.ok:
                return down
            reason = no_answer_reason(answer)
            return failed("obs.nodeport.no_answer", port=port, reason=reason, service=where)
        try:
            database = answers.read_health(answer.text)
        except MalformedAnswer as exc:
            return failed(
                "obs.grafana.health_bad", port=port, status=answer.status, reason=exc.phrase
            )
        if database != "ok":
            return pending("obs.grafana.database", port=port, database=database)
        return passed("obs.grafana.healthy", service=where, port=port)

    return named(check, f"Grafana healthy on NodePort {grafana.node_port}")


def admin_login(grafana: Grafana, lab_user: str, lab_password: str) -> Check:
    """Grafana accepts the admin account stored in its Secret (``/api/user`` answers 200).

    The pass message also says whether that account is the lab's documented
    ``lab_user`` / ``lab_password``, so the student knows which password to type.
    """

    def check(lab: Lab) -> Verdict:
        creds = credentials(lab, grafana)
        if isinstance(creds, Verdict):
            return creds
        secret = f"Secret {grafana.namespace}/{grafana.secret}"
        answer = get(lab, grafana, "/api/user", creds)
        if isinstance(answer, probes.NoAnswer):
            return gone(grafana, answer)
        if answer.status in (401, 403):
            return failed("obs.grafana.login_rejected", user=creds.user, secret=secret)
        if answer.status != 200:
            return failed("obs.grafana.login_odd", user=creds.user, status=answer.status)
        # Saying whether the lab's documented password holds is not a leak: it tells the
        # student which password to type, and the value itself never leaves this process.
        documented = creds.user == lab_user and creds.password == lab_password
        key = "obs.grafana.login_ok" if documented else "obs.grafana.login_ok_not_lab"
        return passed(key, user=creds.user, secret=secret, lab_user=lab_user)

    return named(check, f"Grafana admin login with Secret {grafana.secret}")


def prometheus_datasource_and_dashboards(grafana: Grafana, dashboards: Sequence[str]) -> Check:
    """Grafana has a healthy datasource of type prometheus and every dashboard of ``dashboards``.

    The default Prometheus datasource is the one tested when there are several.
    """

    def check(lab: Lab) -> Verdict:
        creds = credentials(lab, grafana)
        if isinstance(creds, Verdict):
            return creds
        found = datasources(lab, grafana, creds)
        if isinstance(found, Verdict):
            return found
        prometheus = [d for d in found if d.type == "prometheus"]
        if not prometheus:
            seen = ", ".join(f"{d.name} ({d.type})" for d in found) or "-"
            return failed("obs.grafana.no_prometheus_datasource", seen=seen)
        source = next((d for d in prometheus if d.is_default), prometheus[0])
        health = datasource_health(lab, grafana, creds, source)
        if isinstance(health, Verdict):
            return health
        search = get(lab, grafana, "/api/search", creds, params={"type": "dash-db"})
        if isinstance(search, probes.NoAnswer):
            return gone(grafana, search)
        try:
            titles = answers.read_dashboard_titles(search.text)
        except MalformedAnswer as exc:
            return failed(
                "obs.grafana.api_bad", path="/api/search", status=search.status, reason=exc.phrase
            )
        missing = [title for title in dashboards if title not in titles]
        if missing:
            # The dashboard sidecar loads the stack's ConfigMaps shortly after start-up.
            return pending(
                "obs.grafana.dashboards_missing", missing=", ".join(missing), count=len(titles)
            )
        return passed("obs.grafana.dashboards_ok", datasource=source.name, count=len(titles))

    return named(check, "Grafana Prometheus datasource and dashboards")
