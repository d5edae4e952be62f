"""Step 2 of the observability lab: kube-prometheus-stack, Grafana on NodePort 30080,
Prometheus scraping, and Grafana's datasource and default dashboards."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import probes
from ..catalog import render
from ..readers import MalformedAnswer
from ..readers import grafana as grafana_answers
from ..readers import prometheus as prometheus_answers
from ..verdict import Verdict, failed, first_problem, passed, pending
from . import grafana
from .nodehealth import down_nodes, instance_host
from .nodespread import every_node_verdict
from .workloads import workload_verdict

if TYPE_CHECKING:
    from ..lab import Lab


def workloads(lab: Lab) -> Verdict:
    """Every component of the stack is Ready; node-exporter runs on every node."""
    conf = lab.expected["prometheus_stack"]
    namespace = lab.expected["namespace"]
    verdicts = []
    for wanted in conf["workloads"]:
        verdict = workload_verdict(
            lab.cluster, wanted["kind"], namespace, wanted["name"], release_name=conf["release"]
        )
        if verdict.ok and wanted.get("every_node"):
            obj = lab.cluster.get(wanted["kind"], wanted["name"], namespace) or {}
            verdict = every_node_verdict(lab.cluster, obj) or verdict
        verdicts.append(verdict)
    problem = first_problem(*verdicts)
    if problem is not None:
        return problem
    shown = ", ".join(_ready_count(v, lab.settings.lang) for v in verdicts)
    return passed("obs.workloads_ready", workloads=shown)


def _ready_count(verdict: Verdict, lang: str) -> str:
    """``Kind ns/name 3/3``, noting pods left out because their node is down."""
    count = f"{verdict.params['workload']} {verdict.params['ready']}/{verdict.params['desired']}"
    if verdict.key == "workload.ready_but_nodes_down":
        count += " " + render("workload.nodes_down_note", lang, nodes=verdict.params["nodes"])
    return count


def _grafana_down(lab: Lab) -> Verdict | None:
    """Why Grafana cannot answer, when its Deployment is the reason."""
    verdict = workload_verdict(
        lab.cluster,
        "Deployment",
        lab.expected["namespace"],
        lab.expected["grafana"]["deployment"],
        release_name=lab.expected["prometheus_stack"]["release"],
    )
    return None if verdict.ok else verdict


def grafana_nodeport(lab: Lab) -> Verdict:
    """Service prometheus-grafana is NodePort 30080 and /api/health says database ok."""
    conf = lab.expected["grafana"]
    namespace, port = lab.expected["namespace"], int(conf["node_port"])
    service = lab.cluster.get("Service", conf["service"], namespace)
    where = f"Service {namespace}/{conf['service']}"
    if service is None:
        return failed("obs.grafana.service_missing", service=where)
    spec = service.get("spec") or {}
    node_ports = [p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")]
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return failed(
            "obs.service.not_nodeport", service=where, type=spec.get("type", "ClusterIP"), port=port
        )
    if port not in node_ports:
        seen = ", ".join(str(p) for p in node_ports) or "-"
        return failed("obs.service.wrong_nodeport", service=where, port=port, seen=seen)
    answer = grafana.get(lab, "/api/health")
    if isinstance(answer, probes.NoAnswer):
        down = _grafana_down(lab)
        if down is not None:
            return down
        return failed("obs.nodeport.no_answer", port=port, reason=answer.reason, service=where)
    try:
        database = grafana_answers.read_health(answer.text)
    except MalformedAnswer as exc:
        return failed("obs.grafana.health_bad", port=port, status=answer.status, reason=str(exc))
    if database != "ok":
        return pending("obs.grafana.database", port=port, database=database)
    return passed("obs.grafana.healthy", service=where, port=port)


def grafana_login(lab: Lab) -> Verdict:
    """Grafana accepts the admin user and password stored in its Secret."""
    creds = grafana.credentials(lab)
    if isinstance(creds, Verdict):
        return creds
    conf = lab.expected["grafana"]
    secret = f"Secret {lab.expected['namespace']}/{conf['secret']}"
    answer = grafana.get(lab, "/api/user", creds)
    if isinstance(answer, probes.NoAnswer):
        return pending("obs.grafana.gone", port=conf["node_port"], reason=answer.reason)
    if answer.status in (401, 403):
        return failed("obs.grafana.login_rejected", user=creds.user, secret=secret)
    if answer.status != 200:
        return failed("obs.grafana.login_odd", user=creds.user, status=answer.status)
    # Saying whether the lab's documented password holds is not a leak: it tells the
    # student which password to type, and the value itself never leaves this process.
    lab_password = creds.user == conf["lab_user"] and creds.password == conf["lab_password"]
    key = "obs.grafana.login_ok" if lab_password else "obs.grafana.login_ok_not_lab"
    return passed(key, user=creds.user, secret=secret, lab_user=conf["lab_user"])


def prometheus_targets(lab: Lab) -> Verdict:
    """Prometheus scrapes node-exporter and the kubelets successfully (up == 1)."""
    conf = lab.expected["prometheus"]
    namespace = lab.expected["namespace"]
    answer = lab.cluster.proxy(namespace, f"{conf['service']}:{conf['port']}", "/api/v1/targets")
    where = f"Service {namespace}/{conf['service']}:{conf['port']}"
    if answer.status == 503:
        starting = workload_verdict(lab.cluster, "StatefulSet", namespace, conf["statefulset"])
        if not starting.ok:
            return starting
        return pending("obs.prometheus.unavailable", service=where)
    if answer.status != 200:
        return failed("obs.prometheus.answer_bad", service=where, reason=f"HTTP {answer.status}")
    try:
        targets = prometheus_answers.read_targets(answer.text)
    except MalformedAnswer as exc:
        return failed("obs.prometheus.answer_bad", service=where, reason=str(exc))
    # Targets on a node that is down cannot be scraped; the node is graded on its own.
    dead = down_nodes(lab.cluster)
    dead_hosts = set().union(*dead.values()) if dead else set()
    skipped = [t for t in targets if t.job in conf["required_jobs"] and not t.up]
    skipped = [t for t in skipped if instance_host(t.instance) in dead_hosts]
    targets = [t for t in targets if t not in skipped]
    summary, missing, down, unknown = [], [], [], []
    for job in conf["required_jobs"]:
        of_job = [t for t in targets if t.job == job]
        up = [t for t in of_job if t.up]
        summary.append(f"{job} {len(up)}/{len(of_job)}")
        if not of_job:
            missing.append(job)
        elif any(t.health == "down" for t in of_job):
            errors = {t.error for t in of_job if t.health == "down" and t.error}
            shown = next(iter(sorted(errors)), "")
            down.append(
                f"{job} {len(of_job) - len(up)}/{len(of_job)} down"
                + (f" ({shown})" if shown else "")
            )
        elif len(up) < len(of_job):
            unknown.append(job)
    params: dict[str, Any] = {"service": where, "summary": ", ".join(summary)}
    if down:
        return failed("obs.prometheus.targets_down", down="; ".join(down), **params)
    if missing or unknown:
        # A fresh Prometheus discovers and scrapes targets within a minute or two.
        return pending(
            "obs.prometheus.targets_missing", jobs=", ".join(missing + unknown), **params
        )
    total_up = sum(1 for t in targets if t.up)
    if skipped:
        return passed(
            "obs.prometheus.targets_up_but_nodes_down",
            up=total_up,
            total=len(targets),
            skipped=len(skipped),
            nodes=", ".join(sorted(dead)),
            **params,
        )
    return passed("obs.prometheus.targets_up", up=total_up, total=len(targets), **params)


def dashboards(lab: Lab) -> Verdict:
    """Grafana has a working Prometheus datasource and the stack's default dashboards."""
    creds = grafana.credentials(lab)
    if isinstance(creds, Verdict):
        return creds
    conf = lab.expected["grafana"]
    datasources = grafana.datasources(lab, creds)
    if isinstance(datasources, Verdict):
        return datasources
    prometheus = [d for d in datasources if d.type == "prometheus"]
    if not prometheus:
        seen = ", ".join(f"{d.name} ({d.type})" for d in datasources) or "-"
        return failed("obs.grafana.no_prometheus_datasource", seen=seen)
    source = next((d for d in prometheus if d.is_default), prometheus[0])
    health = grafana.datasource_health(lab, creds, source)
    if isinstance(health, Verdict):
        return health
    search = grafana.get(lab, "/api/search", creds, params={"type": "dash-db"})
    if isinstance(search, probes.NoAnswer):
        return pending("obs.grafana.gone", port=conf["node_port"], reason=search.reason)
    try:
        titles = grafana_answers.read_dashboard_titles(search.text)
    except MalformedAnswer as exc:
        return failed(
            "obs.grafana.api_bad", path="/api/search", status=search.status, reason=str(exc)
        )
    missing = [t for t in conf["dashboards"] if t not in titles]
    if missing:
        # The dashboard sidecar loads the stack's ConfigMaps shortly after start-up.
        return pending(
            "obs.grafana.dashboards_missing", missing=", ".join(missing), count=len(titles)
        )
    return passed("obs.grafana.dashboards_ok", datasource=source.name, count=len(titles))
