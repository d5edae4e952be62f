"""Step 3 of the observability lab: loki-stack (Loki, its PVC, the log agent), the Loki
datasource in Grafana, and logs actually arriving in Loki."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from ..catalog import render
from ..cluster import ClusterReader, Obj, labels_of, name_of
from ..podstatus import is_ready
from ..readers import MalformedAnswer
from ..readers import loki as loki_answers
from ..verdict import Verdict, failed, passed, pending
from . import grafana
from .nodespread import every_node_verdict
from .workloads import pods_of, workload_verdict

if TYPE_CHECKING:
    from ..lab import Lab

CONFLICT_LOG = "Only one datasource per organization can be marked as default"
INOTIFY_LOG = "too many open files"
# What promtail ("error sending batch") and Alloy ("final error sending batch") log when
# every push to Loki fails; retrying forever cannot fix a wrong URL.
PUSH_ERRORS = ("error sending batch",)


def loki_ready(lab: Lab) -> Verdict:
    """StatefulSet loki is Ready and its volume claim storage-loki-0 is Bound."""
    conf, namespace = lab.expected["loki"], lab.expected["namespace"]
    verdict = workload_verdict(
        lab.cluster, "StatefulSet", namespace, conf["statefulset"], release_name=conf["release"]
    )
    if not verdict.ok:
        return verdict
    pvc = lab.cluster.get("PersistentVolumeClaim", conf["pvc"], namespace)
    where = f"PersistentVolumeClaim {namespace}/{conf['pvc']}"
    if pvc is None:
        return failed("obs.loki.pvc_missing", pvc=where)
    phase = (pvc.get("status") or {}).get("phase") or "Pending"
    if phase == "Bound":
        return passed("obs.loki.ready", workload=verdict.params["workload"], pvc=where)
    if phase == "Lost":
        return failed("obs.loki.pvc_not_bound", pvc=where, phase=phase)
    return pending("obs.loki.pvc_not_bound", pvc=where, phase=phase)


def _log_agent(lab: Lab) -> tuple[Obj | None, str]:
    """The promtail DaemonSet, else a Grafana Alloy DaemonSet: (object, "promtail"|"alloy")."""
    conf, namespace = lab.expected["loki"], lab.expected["namespace"]
    promtail = lab.cluster.get("DaemonSet", conf["promtail"], namespace)
    if promtail is not None:
        return promtail, "promtail"
    wanted = conf["alloy_labels"]
    for daemonset in lab.cluster.list("DaemonSet"):
        labels = labels_of(daemonset)
        if all(labels.get(k) == v for k, v in wanted.items()):
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
            if (
                INOTIFY_LOG
                in cluster.logs(namespace, name_of(pod), str(container.get("name")), 50).lower()
            ):
                found.append(name_of(pod))
                break
    return found


def promtail(lab: Lab) -> Verdict:
    """The log agent DaemonSet (promtail, or Alloy) is Ready on every node."""
    conf, namespace = lab.expected["loki"], lab.expected["namespace"]
    agent, flavour = _log_agent(lab)
    if agent is None:
        return workload_verdict(
            lab.cluster, "DaemonSet", namespace, conf["promtail"], release_name=conf["release"]
        )
    meta = agent.get("metadata") or {}
    verdict = workload_verdict(
        lab.cluster, "DaemonSet", str(meta.get("namespace")), str(meta.get("name"))
    )
    if not verdict.ok:
        crashing = _inotify_pods(lab.cluster, agent)
        if crashing:
            return failed(
                "obs.loki.agent_inotify",
                fix=conf["inotify_fix"],
                pods=", ".join(crashing),
                **verdict.params,
            )
        return verdict
    spread = every_node_verdict(lab.cluster, agent)
    if spread is not None:
        return spread
    if verdict.key == "workload.ready_but_nodes_down":
        return verdict  # says which nodes are down and that their pods are not counted
    key = "obs.loki.agent_ready" if flavour == "promtail" else "obs.loki.alloy_ready"
    return passed(key, **verdict.params)


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


def _conflict_in_logs(lab: Lab) -> bool:
    conf, namespace = lab.expected["grafana"], lab.expected["namespace"]
    for pod in lab.cluster.list("Pod", namespace, dict(conf["pod_labels"])):
        for container in (pod.get("spec") or {}).get("containers") or []:
            if CONFLICT_LOG in lab.cluster.logs(
                namespace, name_of(pod), str(container.get("name")), 200
            ):
                return True
    return False


def grafana_loki_datasource(lab: Lab) -> Verdict:
    """Grafana lists a datasource of type loki and its health check passes."""
    creds = grafana.credentials(lab)
    if isinstance(creds, Verdict):
        return creds
    conf, namespace = lab.expected["grafana"], lab.expected["namespace"]
    datasources = grafana.datasources(lab, creds)
    if isinstance(datasources, Verdict):
        return datasources
    loki = [d for d in datasources if d.type == "loki"]
    if not loki:
        defaults = _default_datasources(lab.cluster, namespace, conf["datasource_label"])
        seen = ", ".join(f"{d.name} ({d.type})" for d in datasources) or "-"
        if len(defaults) > 1:
            return failed(
                "obs.loki.default_conflict",
                defaults=", ".join(defaults),
                seen=seen,
                logged=render("obs.loki.conflict_logged", lab.settings.lang)
                if _conflict_in_logs(lab)
                else "",
            )
        return pending("obs.loki.no_datasource", seen=seen)
    source = loki[0]
    health = grafana.datasource_health(lab, creds, source)
    if isinstance(health, Verdict):
        return health
    return passed("obs.loki.datasource_ok", name=source.name, message=health)


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


def logs_flowing(lab: Lab) -> Verdict:
    """Loki returns at least one log stream from the last 15 minutes."""
    conf, namespace = lab.expected["loki"], lab.expected["namespace"]
    now_ns = time.time_ns()
    start_ns = now_ns - int(conf["log_window_minutes"]) * 60 * 1_000_000_000
    query = [
        ("query", conf["log_selector"]),
        ("start", str(start_ns)),
        ("end", str(now_ns)),
        ("limit", "20"),
        ("direction", "backward"),
    ]
    where = f"Service {namespace}/{conf['service']}:{conf['port']}"
    answer = lab.cluster.proxy(
        namespace, f"{conf['service']}:{conf['port']}", "/loki/api/v1/query_range", query
    )
    if answer.status == 503:
        return pending("obs.loki.unavailable", service=where)
    if answer.status != 200:
        snippet = answer.text.strip()[:80]
        return failed(
            "obs.loki.answer_bad", service=where, reason=f"HTTP {answer.status} {snippet}"
        )
    try:
        streams = loki_answers.read_streams(answer.text)
    except MalformedAnswer as exc:
        return failed("obs.loki.answer_bad", service=where, reason=str(exc))
    minutes = conf["log_window_minutes"]
    if not streams:
        agent, _ = _log_agent(lab)
        push_error = _push_error(lab.cluster, agent) if agent is not None else None
        if push_error is not None:
            pod, line = push_error
            return failed("obs.loki.push_failing", service=where, pod=pod, line=line)
        return pending("obs.loki.no_logs", service=where, minutes=minutes)
    namespaces = sorted({s.get("namespace", "?") for s in streams})
    return passed(
        "obs.loki.logs_ok", streams=len(streams), minutes=minutes, namespaces=", ".join(namespaces)
    )
