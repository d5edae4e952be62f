"""Step 3: the Kubecost release, its pods, its Prometheus and its UI.

The cost-analyzer pod has 2 containers on chart 1.x and 4 on 2.x; the 3.x chart
(``kubecost/kubecost``) has a different layout with no ``kubecost-cost-analyzer``
and no bundled Prometheus (chart-facts 5.1, 5.3).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from .. import podstatus
from ..catalog import Phrase, phrase
from ..cluster import labels_of
from ..kubeapi import Answer
from ..verdict import Verdict, failed, first_problem, passed, pending
from .http_answers import body_excerpt, missing_service
from .workloads import pods_of, release_verdict, workload_verdict

if TYPE_CHECKING:
    from ..lab import Lab

_CHART_LABEL = re.compile(r"^(?P<chart>.+?)-(?P<version>\d+\.\d+\.\d+\S*)$")


def chart_of(obj: Mapping[str, Any] | None) -> tuple[str, str]:
    """(chart name, version) from a workload's ``helm.sh/chart`` label, or ("", "")."""
    label = labels_of(obj or {}).get("helm.sh/chart", "")
    match = _CHART_LABEL.match(label)
    return (match.group("chart"), match.group("version")) if match else ("", "")


def release(lab: Lab) -> Verdict:
    """Helm release ``kubecost`` (chart cost-analyzer) is deployed in ``kubecost``."""
    want = lab.expected["kubecost"]
    namespace = want["namespace"]
    command = " ".join(str(want["install_command"]).split())
    verdict, rel = release_verdict(lab.cluster, namespace, want["release"], command)
    if rel is None or verdict.ok:
        chart, version = chart_of(lab.cluster.get("Deployment", want["cost_analyzer"], namespace))
        if verdict.ok and chart:
            return passed(
                "cost.kubecost.release_ok",
                release=rel.name if rel else want["release"],
                namespace=namespace,
                revision=rel.revision if rel else "?",
                chart=f"{chart}-{version}",
            )
        return verdict
    if rel.status == "failed":
        return failed(
            "cost.kubecost.release_failed",
            release=rel.name,
            namespace=namespace,
            revision=rel.revision,
            status=rel.status,
            version=want["pinned_version"],
            command=command,
        )
    return verdict


def _v3_layout(lab: Lab) -> Verdict | None:
    want = lab.expected["kubecost"]
    namespace = want["namespace"]
    if lab.cluster.get("Deployment", want["cost_analyzer"], namespace) is not None:
        return None
    frontend = lab.cluster.get("Deployment", want["v3_frontend"], namespace)
    if frontend is None:
        return None
    chart, version = chart_of(frontend)
    return failed(
        "cost.kubecost.v3_layout",
        namespace=namespace,
        frontend=want["v3_frontend"],
        chart=f"{chart}-{version}" if chart else "kubecost 3.x",
        version=want["pinned_version"],
    )


def _containers(lab: Lab, deployment: Mapping[str, Any]) -> str:
    pods = [p for p in pods_of(lab.cluster, deployment) if podstatus.is_ready(p)]
    if not pods:
        return "?"
    ready, total = podstatus.ready_counts(pods[0])
    return f"{ready}/{total}"


def workloads(lab: Lab) -> Verdict:
    """cost-analyzer, prometheus-server and grafana are ready (layout of 1.x or 2.x)."""
    want = lab.expected["kubecost"]
    namespace, name = want["namespace"], want["cost_analyzer"]
    v3 = _v3_layout(lab)
    if v3 is not None:
        return v3
    analyzer = workload_verdict(
        lab.cluster, "Deployment", namespace, name, release_name=want["release"]
    )
    others = [
        workload_verdict(lab.cluster, "Deployment", namespace, d, release_name=want["release"])
        for d in (want["prometheus"], want["grafana"])
    ]
    problem = first_problem(analyzer, *others)
    if problem is not None:
        return problem
    deployment = lab.cluster.get("Deployment", name, namespace) or {}
    chart, version = chart_of(deployment)
    expected_containers = want["containers_by_major"].get(version.split(".")[0], "?")
    return passed(
        "cost.kubecost.workloads_ok",
        namespace=namespace,
        containers=_containers(lab, deployment),
        expected_containers=expected_containers,
        chart=f"{chart}-{version}" if chart else "?",
        prometheus=want["prometheus"],
        grafana=want["grafana"],
    )


def _unreachable(answer: Answer, service: str, namespace: str, release: str) -> Verdict | None:
    """A proxy answer that is not a 200: pending while endpoints are missing, else failed."""
    if answer.status == 200:
        return None
    absent = missing_service(answer, namespace, service, release)
    if absent is not None:
        return absent
    params = {
        "service": service,
        "namespace": namespace,
        "status": answer.status,
        "body": body_excerpt(answer),
    }
    if answer.status in (502, 503, 504):
        return pending("cost.kubecost.proxy_unavailable", **params)
    return failed("cost.kubecost.proxy_error", **params)


def _cluster_id(answer: Answer) -> tuple[str | None, Phrase | None]:
    """(cluster_id external label, problem) from Prometheus' /api/v1/status/config answer."""
    try:
        config_text = answer.json()["data"]["yaml"]
        config = yaml.safe_load(config_text)
    except (ValueError, KeyError, TypeError, yaml.YAMLError):
        return None, phrase("cost.kubecost.config_unreadable")
    labels = (
        ((config or {}).get("global") or {}).get("external_labels")
        if isinstance(config, dict)
        else None
    )
    if not isinstance(labels, dict) or "cluster_id" not in labels:
        return None, phrase("cost.kubecost.no_cluster_id")
    return str(labels["cluster_id"]), None


def prometheus(lab: Lab) -> Verdict:
    """Kubecost's Prometheus answers and carries external label cluster_id=lab-cluster."""
    want = lab.expected["kubecost"]
    namespace, service = want["namespace"], want["prometheus_service"]
    answer = lab.cluster.proxy(namespace, service, "/api/v1/status/config")
    problem = _unreachable(answer, service, namespace, want["release"])
    if problem is not None:
        return problem
    seen, why = _cluster_id(answer)
    params = {"service": service, "want": want["cluster_id"], "seen": seen or why}
    if seen == want["cluster_id"]:
        return passed("cost.kubecost.prometheus_ok", **params)
    return failed("cost.kubecost.prometheus_cluster_id", **params)


def ui(lab: Lab) -> Verdict:
    """The Kubecost UI (kubecost-cost-analyzer:9090) answers with its HTML page."""
    want = lab.expected["kubecost"]
    namespace, service = want["namespace"], want["ui_service"]
    answer = lab.cluster.proxy(namespace, service, "/")
    problem = _unreachable(answer, service, namespace, want["release"])
    if problem is not None:
        return problem
    if "<html" not in answer.text[:2000].lower():
        return failed(
            "cost.kubecost.ui_not_html",
            service=service,
            content_type=answer.content_type or "-",
            body=" ".join(answer.text[:80].split()) or "-",
        )
    return passed("cost.kubecost.ui_ok", service=service, namespace=namespace)
