"""Step 4 of the observability lab: Jaeger running, its UI on NodePort 30081, and its
query API answering.

Two chart generations are recognised (chart-facts.md 3): the v1 all-in-one
(image ``jaegertracing/all-in-one``, query Service ``jaeger-query``) and the
current Jaeger v2 chart (image ``jaegertracing/jaeger``, Service ``jaeger``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import probes
from ..cluster import name_of
from ..readers import MalformedAnswer
from ..readers import jaeger as jaeger_answers
from ..verdict import Verdict, failed, passed, pending
from .workloads import workload_verdict

if TYPE_CHECKING:
    from ..lab import Lab


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


def jaeger_ready(lab: Lab) -> Verdict:
    """Deployment jaeger (v1 all-in-one or v2) is Ready."""
    conf, namespace = lab.expected["jaeger"], lab.expected["namespace"]
    verdict = workload_verdict(
        lab.cluster, "Deployment", namespace, conf["deployment"], release_name=conf["release"]
    )
    if not verdict.ok:
        return verdict
    deployment = lab.cluster.get("Deployment", conf["deployment"], namespace) or {}
    return passed("obs.jaeger.ready", layout=layout(deployment), **verdict.params)


def _query_services(lab: Lab) -> list[tuple[str, str]]:
    """(service, port) pairs that serve the query UI/API, in the charts' naming order."""
    conf, namespace = lab.expected["jaeger"], lab.expected["namespace"]
    found = []
    for name in conf["query_services"]:
        service = lab.cluster.get("Service", name, namespace)
        for port in ((service or {}).get("spec") or {}).get("ports") or []:
            target = str(port.get("targetPort", port.get("port")))
            if str(port.get("port")) == str(conf["query_port"]) or target in (
                str(conf["query_port"]),
                "http-query",
            ):
                found.append((name, str(port.get("port"))))
                break
    return found


def _nodeport_owner(lab: Lab, port: int) -> str | None:
    for service in lab.cluster.list("Service", lab.expected["namespace"]):
        for entry in (service.get("spec") or {}).get("ports") or []:
            if entry.get("nodePort") == port:
                return name_of(service)
    return None


def _no_nodeport(lab: Lab, port: int) -> Verdict:
    """No Service has the UI's nodePort: show the query Services and the fitting fix."""
    conf, namespace = lab.expected["jaeger"], lab.expected["namespace"]
    seen = []
    for name in conf["query_services"]:
        spec = (lab.cluster.get("Service", name, namespace) or {}).get("spec")
        if spec is None:
            continue
        kind = str(spec.get("type", "ClusterIP"))
        if spec.get("clusterIP") == "None":
            kind += ", headless"
        seen.append(f"Service {namespace}/{name} ({kind})")
    query = _query_services(lab)
    target = query[0][0] if query else str(conf["deployment"])
    chosen = (lab.cluster.get("Service", target, namespace) or {}).get("spec") or {}
    # A headless Service (the v1 all-in-one jaeger-query) cannot become a NodePort;
    # the student needs a Service of their own.
    headless = chosen.get("clusterIP") == "None"
    return failed(
        "obs.jaeger.no_nodeport_headless" if headless else "obs.jaeger.no_nodeport",
        port=port,
        seen=", ".join(seen) or "-",
        namespace=namespace,
        service=target,
        deployment=conf["deployment"],
        query_port=conf["query_port"],
    )


def jaeger_ui(lab: Lab) -> Verdict:
    """http://<node>:30081 serves the Jaeger UI page."""
    conf, namespace = lab.expected["jaeger"], lab.expected["namespace"]
    port = int(conf["node_port"])
    answer = probes.http_get(lab.nodeports.url(port, "/"))
    if isinstance(answer, probes.NoAnswer):
        owner = _nodeport_owner(lab, port)
        if owner is None:
            return _no_nodeport(lab, port)
        return failed(
            "obs.nodeport.no_answer",
            port=port,
            reason=answer.reason,
            service=f"Service {namespace}/{owner}",
        )
    text = answer.text.lower()
    if answer.status == 200 and "<html" in text and "jaeger" in text:
        return passed("obs.jaeger.ui_ok", port=port)
    snippet = " ".join(answer.text.split())[:80]
    return failed("obs.jaeger.ui_wrong", port=port, status=answer.status, seen=snippet or "-")


def jaeger_api(lab: Lab) -> Verdict:
    """The query API answers with a service list (/api/v3/services, else /api/services)."""
    namespace = lab.expected["namespace"]
    services = _query_services(lab)
    if not services:
        names = ", ".join(lab.expected["jaeger"]["query_services"])
        return failed("obs.jaeger.no_query_service", names=names, namespace=namespace)
    name, port = services[0]
    problems = []
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
            problems.append(f"{path}: {exc}")
            continue
        shown = ", ".join(found[:5]) or "-"
        return passed("obs.jaeger.api_ok", path=path, count=len(found), services=shown)
    return failed(
        "obs.jaeger.api_bad", service=f"{namespace}/{name}:{port}", problems="; ".join(problems)
    )
