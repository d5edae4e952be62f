"""Jaeger: running, its UI on a NodePort, and its query API answering.

Two chart generations are recognised (chart-facts.md 3): the v1 all-in-one
(image ``jaegertracing/all-in-one``, a headless query Service) and the current
Jaeger v2 chart (image ``jaegertracing/jaeger``, one ClusterIP Service). The lab
states both query Service names in ``query_services``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pytest_kubelab import probes
from pytest_kubelab.catalog import joined, phrase
from pytest_kubelab.checks.http_answers import no_answer_reason
from pytest_kubelab.checks.workloads import workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.reader import name_of
from pytest_kubelab.readers import MalformedAnswer
from pytest_kubelab.readers import jaeger as jaeger_answers
from pytest_kubelab.verdict import Verdict, failed, passed, pending

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab


@dataclass(frozen=True)
class QueryServices:
    """Where Jaeger's UI and API may be served: the first of ``names`` in ``namespace``
    with a port ``port`` (or targeting it, by number or as ``port_name``), for Deployment
    ``deployment``."""

    namespace: str
    names: Sequence[str]
    port: int
    port_name: str
    deployment: str


def layout(deployment: Mapping[str, Any]) -> str:
    """'v2', 'v1 all-in-one' or 'unknown', read from the container image."""
    containers = ((deployment.get("spec") or {}).get("template") or {}).get("spec", {}).get(
        "containers"
    ) or []
    images = " ".join(str(c.get("image", "")) for c in containers)
    if "jaegertracing/all-in-one" in images:
        return "v1 all-in-one"
    if "jaegertracing/jaeger" in images:
        return "v2"
    return "unknown"


def ready(namespace: str, deployment: str, release: str) -> Check:
    """Deployment ``deployment`` (v1 all-in-one or v2) is ready; the layout is named.

    A missing Deployment points at Helm release ``release``.
    """

    def check(lab: Lab) -> Verdict:
        verdict = workload_verdict(
            lab.cluster, "Deployment", namespace, deployment, release_name=release
        )
        if not verdict.ok:
            return verdict
        shown = layout(lab.cluster.get("Deployment", deployment, namespace) or {})
        return passed(
            "obs.jaeger.ready",
            layout=phrase("value.unknown") if shown == "unknown" else shown,
            **verdict.params,
        )

    return named(check, f"Deployment {namespace}/{deployment} ready")


def _serving(lab: Lab, query: QueryServices) -> list[tuple[str, str]]:
    """(service, port) pairs that serve the query UI/API, in the charts' naming order."""
    found = []
    for name in query.names:
        service = lab.cluster.get("Service", name, query.namespace)
        for port in ((service or {}).get("spec") or {}).get("ports") or []:
            target = str(port.get("targetPort", port.get("port")))
            if str(port.get("port")) == str(query.port) or target in (
                str(query.port),
                query.port_name,
            ):
                found.append((name, str(port.get("port"))))
                break
    return found


def _nodeport_owner(lab: Lab, namespace: str, port: int) -> str | None:
    for service in lab.cluster.list("Service", namespace):
        for entry in (service.get("spec") or {}).get("ports") or []:
            if entry.get("nodePort") == port:
                return name_of(service)
    return None


def _no_nodeport(lab: Lab, query: QueryServices, port: int) -> Verdict:
    """No Service has the UI's nodePort: show the query Services and the fitting fix."""
    namespace = query.namespace
    seen = []
    for name in query.names:
        spec = (lab.cluster.get("Service", name, namespace) or {}).get("spec")
        if spec is None:
            continue
        kind = str(spec.get("type", "ClusterIP"))
        if spec.get("clusterIP") == "None":
            kind += ", headless"
        seen.append(f"Service {namespace}/{name} ({kind})")
    serving = _serving(lab, query)
    target = serving[0][0] if serving else str(query.deployment)
    chosen = (lab.cluster.get("Service", target, namespace) or {}).get("spec") or {}
    # A headless Service (the v1 all-in-one's query Service) cannot become a NodePort;
    # the student needs a Service of their own.
    headless = chosen.get("clusterIP") == "None"
    return failed(
        "obs.jaeger.no_nodeport_headless" if headless else "obs.jaeger.no_nodeport",
        port=port,
        seen=", ".join(seen) or "-",
        namespace=namespace,
        service=target,
        deployment=query.deployment,
        query_port=query.port,
    )


def ui_on_nodeport(node_port: int, query: QueryServices) -> Check:
    """``http://<node>:<node_port>/`` answers 200 with an HTML page that names Jaeger.

    When no Service has that nodePort, the fix fits the chart generation: patch the v2
    Service, or expose a new one next to the v1 headless query Service.
    """

    def check(lab: Lab) -> Verdict:
        port = int(node_port)
        answer = probes.http_get(lab.nodeports.url(port, "/"))
        if isinstance(answer, probes.NoAnswer):
            owner = _nodeport_owner(lab, query.namespace, port)
            if owner is None:
                return _no_nodeport(lab, query, port)
            return failed(
                "obs.nodeport.no_answer",
                port=port,
                reason=no_answer_reason(answer),
                service=f"Service {query.namespace}/{owner}",
            )
        text = answer.text.lower()
        if answer.status == 200 and "<html" in text and "jaeger" in text:
            return passed("obs.jaeger.ui_ok", port=port)
        snippet = " ".join(answer.text.split())[:80]
        return failed("obs.jaeger.ui_wrong", port=port, status=answer.status, seen=snippet or "-")

    return named(check, f"Jaeger UI on NodePort {node_port}")


def query_api(query: QueryServices) -> Check:
    """The query API of the first serving Service answers a service list:
    ``/api/v3/services``, else (older Jaeger) ``/api/services``."""

    def check(lab: Lab) -> Verdict:
        namespace = query.namespace
        serving = _serving(lab, query)
        if not serving:
            names = ", ".join(query.names)
            return failed("obs.jaeger.no_query_service", names=names, namespace=namespace)
        name, port = serving[0]
        problems: list[Any] = []
        for path in ("/api/v3/services", "/api/services"):
            answer = lab.cluster.proxy(namespace, f"{name}:{port}", path)
            if answer.status == 503:
                return pending("obs.jaeger.api_unavailable", service=f"{namespace}/{name}:{port}")
            if answer.status != 200:
                problems.append(f"{path}: HTTP {answer.status}")
                continue
            try:
                found = jaeger_answers.read_services(answer.text)
            except MalformedAnswer as exc:
                problems.append(phrase("detail.labelled", label=path, text=exc.phrase))
                continue
            shown = ", ".join(found[:5]) or "-"
            return passed("obs.jaeger.api_ok", path=path, count=len(found), services=shown)
        return failed(
            "obs.jaeger.api_bad",
            service=f"{namespace}/{name}:{port}",
            problems=joined(problems, "; "),
        )

    return named(check, f"Jaeger query API in {query.namespace}")
