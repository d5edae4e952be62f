"""loki-stack: Loki and its volume, the log agent on every node, Loki's datasource in
Grafana, and logs actually arriving in Loki.

The log agent is the chart's promtail DaemonSet; Grafana Alloy, promtail's successor
(promtail is EOL since 2026-03-02), is accepted in its place.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml
from pytest_kubelab.catalog import phrase, render
from pytest_kubelab.checks.http_answers import body_excerpt, missing_service
from pytest_kubelab.checks.nodespread import every_node_verdict
from pytest_kubelab.checks.workloads import pods_of, workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.podstatus import is_ready
from pytest_kubelab.kube.reader import ClusterReader, Obj, labels_of, name_of
from pytest_kubelab.readers import MalformedAnswer
from pytest_kubelab.readers import loki as loki_answers
from pytest_kubelab.verdict import Verdict, failed, passed, pending

from . import grafana as grafana_access

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

CONFLICT_LOG = "Only one datasource per organization can be marked as default"
INOTIFY_LOG = "too many open files"
# What promtail ("error sending batch") and Alloy ("final error sending batch") log when
# every push to Loki fails; retrying forever cannot fix a wrong URL.
PUSH_ERRORS = ("error sending batch",)


@dataclass(frozen=True)
class LogAgent:
    """DaemonSet ``promtail`` in ``namespace``, else a DaemonSet labelled ``alloy_labels``."""

    namespace: str
    promtail: str
    alloy_labels: Mapping[str, str]


def ready_with_volume(namespace: str, statefulset: str, pvc: str, release: str) -> Check:
    """StatefulSet ``statefulset`` is ready and its PersistentVolumeClaim ``pvc`` is Bound.

    A missing StatefulSet points at Helm release ``release``; a missing claim means Loki
    was installed without persistence.
    """

    def check(lab: Lab) -> Verdict:
        verdict = workload_verdict(
            lab.cluster, "StatefulSet", namespace, statefulset, release_name=release
        )
        if not verdict.ok:
            return verdict
        claim = lab.cluster.get("PersistentVolumeClaim", pvc, namespace)
        where = f"PersistentVolumeClaim {namespace}/{pvc}"
        if claim is None:
            return failed("obs.loki.pvc_missing", pvc=where)
        phase = (claim.get("status") or {}).get("phase") or "Pending"
        if phase == "Bound":
            return passed("obs.loki.ready", workload=verdict.params["workload"], pvc=where)
        if phase == "Lost":
            return failed("obs.loki.pvc_not_bound", pvc=where, phase=phase)
        return pending("obs.loki.pvc_not_bound", pvc=where, phase=phase)

    return named(check, f"StatefulSet {namespace}/{statefulset} ready, PVC {pvc} Bound")


def _find_agent(lab: Lab, agent: LogAgent) -> tuple[Obj | None, str]:
    """The promtail DaemonSet, else a Grafana Alloy DaemonSet: (object, "promtail"|"alloy")."""
    promtail = lab.cluster.get("DaemonSet", agent.promtail, agent.namespace)
    if promtail is not None:
        return promtail, "promtail"
    for daemonset in lab.cluster.list("DaemonSet"):
        labels = labels_of(daemonset)
        if all(labels.get(k) == v for k, v in agent.alloy_labels.items()):
            return daemonset, "alloy"
    return None, "promtail"


def _inotify_pods(cluster: ClusterReader, daemonset: Mapping[str, Any]) -> list[str]:
    """Crashing agent pods whose log says 'too many open files' (kind's inotify limits)."""
    namespace = str((daemonset.get("metadata") or {}).get("namespace") or "")
    found = []
    for pod in pods_of(cluster, daemonset):
        if is_ready(pod):
            continue
        for container in (pod.get("spec") or {}).get("containers") or []:
            log = cluster.logs(namespace, name_of(pod), str(container.get("name")), 50)
            if INOTIFY_LOG in log.lower():
                found.append(name_of(pod))
                break
    return found


def agent_on_every_node(agent: LogAgent, release: str, inotify_fix: str) -> Check:
    """The log agent DaemonSet (promtail, or Alloy) is ready with a pod on every node.

    A missing agent points at Helm release ``release``; agent pods crashing with
    "too many open files" (kind's inotify limits) are told the host's ``inotify_fix``.
    """

    def check(lab: Lab) -> Verdict:
        found, flavour = _find_agent(lab, agent)
        if found is None:
            return workload_verdict(
                lab.cluster, "DaemonSet", agent.namespace, agent.promtail, release_name=release
            )
        meta = found.get("metadata") or {}
        verdict = workload_verdict(
            lab.cluster, "DaemonSet", str(meta.get("namespace")), str(meta.get("name"))
        )
        if not verdict.ok:
            crashing = _inotify_pods(lab.cluster, found)
            if crashing:
                return failed(
                    "obs.loki.agent_inotify",
                    fix=inotify_fix,
                    pods=", ".join(crashing),
                    **verdict.params,
                )
            return verdict
        spread = every_node_verdict(lab.cluster, found)
        if spread is not None:
            return spread
        if verdict.key == "workload.ready_but_nodes_down":
            return verdict  # says which nodes are down and that their pods are not counted
        key = "obs.loki.agent_ready" if flavour == "promtail" else "obs.loki.alloy_ready"
        return passed(key, **verdict.params)

    return named(check, f"log agent DaemonSet {agent.namespace}/{agent.promtail} on every node")


def _default_datasources(cluster: ClusterReader, namespace: str, label: str) -> list[str]:
    """'Name (ConfigMap x)' for every provisioned datasource marked isDefault."""
    found = []
    for config_map in cluster.list("ConfigMap", namespace, {label: "1"}):
        for text in (config_map.get("data") or {}).values():
            try:
                document = yaml.safe_load(str(text))
            except yaml.YAMLError:
                continue
            sources = document.get("datasources") if isinstance(document, dict) else None
            for source in sources if isinstance(sources, list) else []:
                if isinstance(source, dict) and source.get("isDefault") is True:
                    found.append(f"{source.get('name', '?')} (ConfigMap {name_of(config_map)})")
    return found


def _conflict_in_logs(lab: Lab, namespace: str, pod_labels: Mapping[str, str]) -> bool:
    for pod in lab.cluster.list("Pod", namespace, dict(pod_labels)):
        for container in (pod.get("spec") or {}).get("containers") or []:
            if CONFLICT_LOG in lab.cluster.logs(
                namespace, name_of(pod), str(container.get("name")), 200
            ):
                return True
    return False


def grafana_datasource(
    grafana: grafana_access.Grafana, datasource_label: str, grafana_pod_labels: Mapping[str, str]
) -> Check:
    """Grafana lists a datasource of type loki and its health check passes.

    When there is none and two provisioned datasources (ConfigMaps labelled
    ``datasource_label=1``) are both marked default, that conflict is named, with
    Grafana's own log line when its pods (``grafana_pod_labels``) logged it.
    """

    def check(lab: Lab) -> Verdict:
        creds = grafana_access.credentials(lab, grafana)
        if isinstance(creds, Verdict):
            return creds
        namespace = grafana.namespace
        datasources = grafana_access.datasources(lab, grafana, creds)
        if isinstance(datasources, Verdict):
            return datasources
        loki = [d for d in datasources if d.type == "loki"]
        if not loki:
            defaults = _default_datasources(lab.cluster, namespace, datasource_label)
            seen = ", ".join(f"{d.name} ({d.type})" for d in datasources) or "-"
            if len(defaults) > 1:
                logged = _conflict_in_logs(lab, namespace, grafana_pod_labels)
                return failed(
                    "obs.loki.default_conflict",
                    defaults=", ".join(defaults),
                    seen=seen,
                    logged=render("obs.loki.conflict_logged", lab.settings.lang) if logged else "",
                )
            return pending("obs.loki.no_datasource", seen=seen)
        source = loki[0]
        health = grafana_access.datasource_health(lab, grafana, creds, source)
        if isinstance(health, Verdict):
            return health
        return passed("obs.loki.datasource_ok", name=source.name, message=health)

    return named(check, "Grafana Loki datasource healthy")


def _push_error(cluster: ClusterReader, agent: Mapping[str, Any]) -> tuple[str, str] | None:
    """(pod, log line) of a log agent that keeps failing to push to Loki, if one does."""
    namespace = str((agent.get("metadata") or {}).get("namespace") or "")
    for pod in pods_of(cluster, agent):
        for container in (pod.get("spec") or {}).get("containers") or []:
            text = cluster.logs(namespace, name_of(pod), str(container.get("name")), 50)
            for line in reversed(text.splitlines()):
                if any(marker in line for marker in PUSH_ERRORS):
                    # The error= field says why (DNS, refused, 4xx); the rest is noise.
                    start = line.find("error=")
                    return name_of(pod), line[start if start >= 0 else 0 :].strip()[:200]
    return None


def logs_arriving(
    namespace: str,
    service: str,
    port: int,
    *,
    selector: str,
    window_minutes: int,
    release: str,
    agent: LogAgent,
) -> Check:
    """Loki (Service ``namespace/service:port``) returns at least one log stream matching
    ``selector`` from the last ``window_minutes`` minutes.

    Read through the API server's Service proxy (``/loki/api/v1/query_range``). With no
    stream, a log agent that keeps failing to push is named; a missing Service points at
    Helm release ``release``.
    """

    def check(lab: Lab) -> Verdict:
        now_ns = time.time_ns()
        start_ns = now_ns - int(window_minutes) * 60 * 1_000_000_000
        query = [
            ("query", selector),
            ("start", str(start_ns)),
            ("end", str(now_ns)),
            ("limit", "20"),
            ("direction", "backward"),
        ]
        where = f"Service {namespace}/{service}:{port}"
        answer = lab.cluster.proxy(
            namespace, f"{service}:{port}", "/loki/api/v1/query_range", query
        )
        if answer.status == 503:
            return pending("obs.loki.unavailable", service=where)
        absent = missing_service(answer, namespace, service, release)
        if absent is not None:
            return absent
        if answer.status != 200:
            reason = phrase("http.status_body", status=answer.status, body=body_excerpt(answer, 80))
            return failed("obs.loki.answer_bad", service=where, reason=reason)
        try:
            streams = loki_answers.read_streams(answer.text)
        except MalformedAnswer as exc:
            return failed("obs.loki.answer_bad", service=where, reason=exc.phrase)
        if not streams:
            found, _ = _find_agent(lab, agent)
            push_error = _push_error(lab.cluster, found) if found is not None else None
            if push_error is not None:
                pod, line = push_error
                return failed("obs.loki.push_failing", service=where, pod=pod, line=line)
            return pending("obs.loki.no_logs", service=where, minutes=window_minutes)
        namespaces = sorted({s.get("namespace", "?") for s in streams})
        return passed(
            "obs.loki.logs_ok",
            streams=len(streams),
            minutes=window_minutes,
            namespaces=", ".join(namespaces),
        )

    return named(check, f"Loki has logs from the last {window_minutes} minutes")
