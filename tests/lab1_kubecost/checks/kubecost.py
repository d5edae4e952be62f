"""Step 3: the Kubecost release, its pods, its Prometheus and its UI.

The cost-analyzer pod has 2 containers on chart 1.x and 4 on 2.x; the 3.x chart
(``kubecost/kubecost``) has a different layout with no cost-analyzer Deployment
and no bundled Prometheus (chart-facts 5.1, 5.3). Services are read through the
API server's service proxy (``service`` is ``name:port``), as a port-forward would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml
from pytest_kubelab.catalog import Phrase, phrase
from pytest_kubelab.checks.http_answers import body_excerpt, missing_service
from pytest_kubelab.checks.workloads import pods_of, release_verdict, workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube import podstatus
from pytest_kubelab.kube.reader import labels_of
from pytest_kubelab.kube.transport import Answer
from pytest_kubelab.verdict import Verdict, failed, first_problem, passed, pending

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

_CHART_LABEL = re.compile(r"^(?P<chart>.+?)-(?P<version>\d+\.\d+\.\d+\S*)$")


def chart_of(obj: Mapping[str, Any] | None) -> tuple[str, str]:
    """(chart name, version) from a workload's ``helm.sh/chart`` label, or ("", "")."""
    label = labels_of(obj or {}).get("helm.sh/chart", "")
    match = _CHART_LABEL.match(label)
    return (match.group("chart"), match.group("version")) if match else ("", "")


def release_deployed(
    namespace: str, release: str, *, install_command: str, pinned_version: str, cost_analyzer: str
) -> Check:
    """Helm release ``namespace/release`` is deployed; its chart is read from Deployment
    ``cost_analyzer``. A ``failed`` release (an unpinned 2.9.x) names ``pinned_version``.
    """

    def check(lab: Lab) -> Verdict:
        command = " ".join(install_command.split())
        verdict, rel = release_verdict(lab.cluster, namespace, release, command)
        if rel is None or verdict.ok:
            chart, version = chart_of(lab.cluster.get("Deployment", cost_analyzer, namespace))
            if verdict.ok and chart:
                return passed(
                    "cost.kubecost.release_ok",
                    release=rel.name if rel else release,
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
                version=pinned_version,
                command=command,
            )
        return verdict

    return named(check, f"Helm release {namespace}/{release} deployed")


def _v3_layout(
    lab: Lab, namespace: str, cost_analyzer: str, v3_frontend: str, pinned_version: str
) -> Verdict | None:
    if lab.cluster.get("Deployment", cost_analyzer, namespace) is not None:
        return None
    frontend = lab.cluster.get("Deployment", v3_frontend, namespace)
    if frontend is None:
        return None
    chart, version = chart_of(frontend)
    return failed(
        "cost.kubecost.v3_layout",
        namespace=namespace,
        frontend=v3_frontend,
        chart=f"{chart}-{version}" if chart else "kubecost 3.x",
        version=pinned_version,
    )


def _containers(lab: Lab, deployment: Mapping[str, Any]) -> str:
    pods = [p for p in pods_of(lab.cluster, deployment) if podstatus.is_ready(p)]
    if not pods:
        return "?"
    ready, total = podstatus.ready_counts(pods[0])
    return f"{ready}/{total}"


def pods_ready(
    namespace: str,
    release: str,
    *,
    cost_analyzer: str,
    prometheus: str,
    grafana: str,
    v3_frontend: str,
    pinned_version: str,
    containers_by_major: Mapping[str, int],
) -> Check:
    """Deployments ``cost_analyzer``, ``prometheus`` and ``grafana`` of release ``release`` are
    ready. Only ``v3_frontend`` (the 3.x layout) fails at once, naming ``pinned_version``; the
    pass message shows the cost-analyzer's containers against ``containers_by_major``.
    """

    def check(lab: Lab) -> Verdict:
        v3 = _v3_layout(lab, namespace, cost_analyzer, v3_frontend, pinned_version)
        if v3 is not None:
            return v3
        verdicts = [
            workload_verdict(lab.cluster, "Deployment", namespace, name, release_name=release)
            for name in (cost_analyzer, prometheus, grafana)
        ]
        problem = first_problem(*verdicts)
        if problem is not None:
            return problem
        deployment = lab.cluster.get("Deployment", cost_analyzer, namespace) or {}
        chart, version = chart_of(deployment)
        expected_containers = containers_by_major.get(version.split(".")[0], "?")
        return passed(
            "cost.kubecost.workloads_ok",
            namespace=namespace,
            containers=_containers(lab, deployment),
            expected_containers=expected_containers,
            chart=f"{chart}-{version}" if chart else "?",
            prometheus=prometheus,
            grafana=grafana,
        )

    return named(check, f"Kubecost Deployments of release {namespace}/{release} ready")


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


def prometheus_cluster_id(namespace: str, service: str, cluster_id: str, *, release: str) -> Check:
    """Prometheus behind Service ``namespace/service`` answers /api/v1/status/config with the
    external label ``cluster_id``.
    """

    def check(lab: Lab) -> Verdict:
        answer = lab.cluster.proxy(namespace, service, "/api/v1/status/config")
        problem = _unreachable(answer, service, namespace, release)
        if problem is not None:
            return problem
        seen, why = _cluster_id(answer)
        params = {"service": service, "want": cluster_id, "seen": seen or why}
        if seen == cluster_id:
            return passed("cost.kubecost.prometheus_ok", **params)
        return failed("cost.kubecost.prometheus_cluster_id", **params)

    return named(check, f"Prometheus {namespace}/{service} cluster_id={cluster_id}")


def ui_answers_html(namespace: str, service: str, *, release: str) -> Check:
    """Service ``namespace/service`` (the Kubecost UI) answers ``/`` with an HTML page."""

    def check(lab: Lab) -> Verdict:
        answer = lab.cluster.proxy(namespace, service, "/")
        problem = _unreachable(answer, service, namespace, release)
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

    return named(check, f"Kubecost UI {namespace}/{service} answers HTML")
