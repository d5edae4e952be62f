"""kube-prometheus-stack: its components ready, and Prometheus scraping the jobs the lab needs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pytest_kubelab.catalog import joined, phrase, render
from pytest_kubelab.checks.http_answers import missing_service
from pytest_kubelab.checks.nodehealth import down_nodes, instance_host
from pytest_kubelab.checks.nodespread import every_node_verdict
from pytest_kubelab.checks.workloads import workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.readers import MalformedAnswer
from pytest_kubelab.readers import prometheus as prometheus_answers
from pytest_kubelab.verdict import Verdict, failed, first_problem, passed, pending

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab


def components_ready(namespace: str, release: str, workloads: Sequence[Mapping[str, Any]]) -> Check:
    """Every workload of ``workloads`` (``{kind, name, every_node}``) is ready in ``namespace``.

    Those with ``every_node: true`` (node-exporter) must also have a pod on every node,
    the control plane included. A missing one points at Helm release ``release``.
    """

    def check(lab: Lab) -> Verdict:
        verdicts = []
        for wanted in workloads:
            kind, name = wanted["kind"], wanted["name"]
            verdict = workload_verdict(lab.cluster, kind, namespace, name, release_name=release)
            if verdict.ok and wanted.get("every_node"):
                obj = lab.cluster.get(kind, name, namespace) or {}
                verdict = every_node_verdict(lab.cluster, obj) or verdict
            verdicts.append(verdict)
        problem = first_problem(*verdicts)
        if problem is not None:
            return problem
        shown = ", ".join(_ready_count(v, lab.settings.lang) for v in verdicts)
        return passed("obs.workloads_ready", workloads=shown)

    return named(check, f"{len(workloads)} workloads of release {namespace}/{release} ready")


def _ready_count(verdict: Verdict, lang: str) -> str:
    """``Kind ns/name 3/3``, noting pods left out because their node is down."""
    count = f"{verdict.params['workload']} {verdict.params['ready']}/{verdict.params['desired']}"
    if verdict.key == "workload.ready_but_nodes_down":
        count += " " + render("workload.nodes_down_note", lang, nodes=verdict.params["nodes"])
    return count


def scrapes_jobs(
    namespace: str,
    service: str,
    port: int,
    jobs: Sequence[str],
    *,
    statefulset: str,
    release: str,
) -> Check:
    """Prometheus (Service ``service:port``) scrapes every target of ``jobs`` with up == 1.

    Read through the API server's Service proxy (``/api/v1/targets``). A target on a node
    that is down is left out (the node is graded on its own). While StatefulSet
    ``statefulset`` is not ready, its state is the verdict; a missing Service points at
    Helm release ``release``.
    """

    def check(lab: Lab) -> Verdict:
        answer = lab.cluster.proxy(namespace, f"{service}:{port}", "/api/v1/targets")
        where = f"Service {namespace}/{service}:{port}"
        if answer.status == 503:
            starting = workload_verdict(lab.cluster, "StatefulSet", namespace, statefulset)
            if not starting.ok:
                return starting
            return pending("obs.prometheus.unavailable", service=where)
        absent = missing_service(answer, namespace, service, release)
        if absent is not None:
            return absent
        if answer.status != 200:
            reason = phrase("http.status", status=answer.status)
            return failed("obs.prometheus.answer_bad", service=where, reason=reason)
        try:
            targets = prometheus_answers.read_targets(answer.text)
        except MalformedAnswer as exc:
            return failed("obs.prometheus.answer_bad", service=where, reason=exc.phrase)
        return _targets_verdict(lab, targets, jobs, where)

    return named(check, f"Prometheus scrapes {', '.join(jobs)}")


def _targets_verdict(lab: Lab, targets: list[Any], jobs: Sequence[str], where: str) -> Verdict:
    # Targets on a node that is down cannot be scraped; the node is graded on its own.
    dead = down_nodes(lab.cluster)
    dead_hosts = set().union(*dead.values()) if dead else set()
    skipped = [t for t in targets if t.job in jobs and not t.up]
    skipped = [t for t in skipped if instance_host(t.instance) in dead_hosts]
    targets = [t for t in targets if t not in skipped]
    summary: list[str] = []
    missing: list[str] = []
    down: list[Any] = []
    unknown: list[str] = []
    for job in jobs:
        of_job = [t for t in targets if t.job == job]
        up = [t for t in of_job if t.up]
        summary.append(f"{job} {len(up)}/{len(of_job)}")
        if not of_job:
            missing.append(job)
        elif any(t.health == "down" for t in of_job):
            errors = {t.error for t in of_job if t.health == "down" and t.error}
            shown = next(iter(sorted(errors)), "")
            counts = {"job": job, "down": len(of_job) - len(up), "total": len(of_job)}
            if shown:
                down.append(phrase("obs.prometheus.job_down_error", error=shown, **counts))
            else:
                down.append(phrase("obs.prometheus.job_down", **counts))
        elif len(up) < len(of_job):
            unknown.append(job)
    params: dict[str, Any] = {"service": where, "summary": ", ".join(summary)}
    if down:
        return failed("obs.prometheus.targets_down", down=joined(down, "; "), **params)
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
