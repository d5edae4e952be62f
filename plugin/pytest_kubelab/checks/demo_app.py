"""Step 5 of the observability lab: namespace demo, Deployment web-app, Service
web-service on NodePort 30082, and nginx answering there."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import probes
from ..cluster import labels_of, name_of
from ..expect import normal_image, ready_endpoints
from ..podstatus import is_ready
from ..quantity import same_quantity
from ..verdict import Subject, Verdict, about, failed, passed, pending
from .workloads import describe_problems, pod_problems, pods_of, workload_verdict

if TYPE_CHECKING:
    from ..lab import Lab


def namespace(lab: Lab) -> Verdict:
    name = lab.expected["demo"]["namespace"]
    if lab.cluster.get("Namespace", name) is None:
        return failed("obs.demo.namespace_missing", namespace=name)
    return passed("obs.demo.namespace_ok", namespace=name)


def _spec_mismatches(deployment: Mapping[str, Any], conf: Mapping[str, Any]) -> list[str]:
    spec = deployment.get("spec") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    wanted_image = conf["container_image"]
    app = [c for c in containers if normal_image(str(c.get("image", ""))) == wanted_image]
    problems = []
    replicas = spec.get("replicas", 1)
    if replicas != conf["replicas"]:
        problems.append(f"replicas {replicas} ≠ {conf['replicas']}")
    if not app:
        images = ", ".join(str(c.get("image", "?")) for c in containers) or "-"
        problems.append(f"image {images} ≠ {wanted_image}")
        return problems
    requests = (app[0].get("resources") or {}).get("requests") or {}
    for resource, wanted in conf["requests"].items():
        seen = requests.get(resource)
        if seen is None or not same_quantity(str(seen), str(wanted)):
            problems.append(f"requests.{resource} {seen if seen is not None else '-'} ≠ {wanted}")
    return problems


def web_app(lab: Lab) -> Verdict:
    """Deployment web-app: nginx:alpine, requests 100m/128Mi, 3 available replicas."""
    conf = lab.expected["demo"]
    ns, name = conf["namespace"], conf["deployment"]
    deployment = lab.cluster.get("Deployment", name, ns)
    where = f"Deployment {ns}/{name}"
    if deployment is None:
        return failed("obs.demo.deployment_missing", workload=where)
    mismatches = _spec_mismatches(deployment, conf)
    readiness = workload_verdict(lab.cluster, "Deployment", ns, name)
    if mismatches:
        problems = describe_problems(
            pod_problems(lab.cluster, ns, pods_of(lab.cluster, deployment))
        )
        selector = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels")
        return about(
            failed(
                "obs.demo.spec_wrong",
                workload=where,
                mismatches="; ".join(mismatches),
                pods=problems or "-",
            ),
            Subject(ns, dict(selector) if selector else None),
        )
    return readiness


def web_service(lab: Lab) -> Verdict:
    """Service web-service is NodePort 30082 and has ready endpoint addresses."""
    conf = lab.expected["demo"]
    ns, name, port = conf["namespace"], conf["service"], int(conf["node_port"])
    service = lab.cluster.get("Service", name, ns)
    where = f"Service {ns}/{name}"
    if service is None:
        return failed("obs.demo.service_missing", service=where)
    spec = service.get("spec") or {}
    if spec.get("type") not in ("NodePort", "LoadBalancer"):
        return failed(
            "obs.service.not_nodeport", service=where, type=spec.get("type", "ClusterIP"), port=port
        )
    node_ports = [p.get("nodePort") for p in spec.get("ports") or [] if p.get("nodePort")]
    if port not in node_ports:
        seen = ", ".join(str(p) for p in node_ports) or "-"
        return failed("obs.service.wrong_nodeport", service=where, port=port, seen=seen)
    selector = spec.get("selector") or {}
    selected = lab.cluster.list("Pod", ns, dict(selector)) if selector else []
    ready = ready_endpoints(lab.cluster, ns, name, selected)
    shown_selector = ",".join(f"{k}={v}" for k, v in selector.items()) or "-"
    if not selected:
        deployment = lab.cluster.get("Deployment", conf["deployment"], ns) or {}
        pod_labels = {}
        for pod in pods_of(lab.cluster, deployment):
            pod_labels = labels_of(pod)
            break
        labels = ",".join(
            f"{k}={v}" for k, v in sorted(pod_labels.items()) if k != "pod-template-hash"
        )
        return failed(
            "obs.demo.selector_matches_nothing",
            service=where,
            selector=shown_selector,
            namespace=ns,
            labels=labels or "-",
        )
    if ready == 0:
        if any(is_ready(p) for p in selected):
            return pending("obs.demo.no_endpoints", service=where, selector=shown_selector)
        return pending(
            "obs.demo.no_ready_pods", service=where, selector=shown_selector, pods=len(selected)
        )
    return passed(
        "obs.demo.service_ok",
        service=where,
        port=port,
        ready=ready,
        names=", ".join(sorted(name_of(p) for p in selected if is_ready(p))),
    )


def web_reachable(lab: Lab) -> Verdict:
    """http://<node>:30082 serves the nginx welcome page."""
    conf = lab.expected["demo"]
    port = int(conf["node_port"])
    answer = probes.http_get(lab.nodeports.url(port, "/"))
    if isinstance(answer, probes.NoAnswer):
        return failed(
            "obs.nodeport.no_answer",
            port=port,
            reason=answer.reason,
            service=f"Service {conf['namespace']}/{conf['service']}",
        )
    if answer.status == 200 and conf["welcome"] in answer.text:
        return passed("obs.demo.reachable", port=port)
    snippet = " ".join(answer.text.split())[:80]
    return failed("obs.demo.unexpected_page", port=port, status=answer.status, seen=snippet or "-")
