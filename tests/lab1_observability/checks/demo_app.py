"""The demo app of step 5: a Deployment as the lab's manifest asks for it, and its page.

The namespace and the NodePort Service are the generic ``expect.namespace_exists`` and
``expect.service_on_nodeport``; what only this lab asks is here: the Deployment's image,
replicas *and* resource requests in one check (every difference named at once), and
nginx's welcome page on the NodePort.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pytest_kubelab import probes
from pytest_kubelab.catalog import Phrase, joined, phrase
from pytest_kubelab.checks.http_answers import no_answer_reason
from pytest_kubelab.checks.workloads import (
    describe_problems,
    pod_problems,
    pods_of,
    workload_verdict,
)
from pytest_kubelab.expect import Check, named, normal_image
from pytest_kubelab.kube.quantity import same_quantity
from pytest_kubelab.verdict import Subject, Verdict, about, failed, passed

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab


def _spec_mismatches(
    deployment: Mapping[str, Any], replicas: int, image: str, requests: Mapping[str, str]
) -> list[Phrase]:
    spec = deployment.get("spec") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    app = [c for c in containers if normal_image(str(c.get("image", ""))) == image]
    problems = []
    seen_replicas = spec.get("replicas", 1)
    if seen_replicas != replicas:
        problems.append(phrase("diff.wrong", field="replicas", seen=seen_replicas, want=replicas))
    if not app:
        images = ", ".join(str(c.get("image", "?")) for c in containers) or "-"
        problems.append(phrase("diff.wrong", field="image", seen=images, want=image))
        return problems
    seen_requests = (app[0].get("resources") or {}).get("requests") or {}
    for resource, wanted in requests.items():
        seen = seen_requests.get(resource)
        field = f"requests.{resource}"
        if seen is None:
            problems.append(phrase("diff.missing", field=field, want=wanted))
        elif not same_quantity(str(seen), str(wanted)):
            problems.append(phrase("diff.wrong", field=field, seen=seen, want=wanted))
    return problems


def deployment_as_specified(
    namespace: str, name: str, *, replicas: int, image: str, requests: Mapping[str, str]
) -> Check:
    """Deployment ``namespace/name`` asks for ``replicas`` replicas of ``image`` with
    resource ``requests``, and all its replicas are ready.

    Every difference from the lab is named in one message, with the pods' state; the
    image is compared without Docker Hub's implicit ``docker.io/library/`` prefix and the
    requests as quantities (``0.1`` is ``100m``).
    """

    def check(lab: Lab) -> Verdict:
        deployment = lab.cluster.get("Deployment", name, namespace)
        where = f"Deployment {namespace}/{name}"
        if deployment is None:
            return failed("obs.demo.deployment_missing", workload=where)
        mismatches = _spec_mismatches(deployment, replicas, image, requests)
        if mismatches:
            pods = pods_of(lab.cluster, deployment)
            problems = describe_problems(pod_problems(lab.cluster, namespace, pods))
            selector = ((deployment.get("spec") or {}).get("selector") or {}).get("matchLabels")
            return about(
                failed(
                    "obs.demo.spec_wrong",
                    workload=where,
                    mismatches=joined(mismatches, "; "),
                    pods=problems or "-",
                ),
                Subject(namespace, dict(selector) if selector else None),
            )
        return workload_verdict(lab.cluster, "Deployment", namespace, name)

    return named(check, f"Deployment {namespace}/{name}: {replicas} x {image} ready")


def welcome_page(node_port: int, welcome: str, *, namespace: str, service: str) -> Check:
    """``http://<node>:<node_port>/`` answers 200 with ``welcome`` in the page.

    A port that does not answer fails, naming Service ``namespace/service`` behind it.
    """

    def check(lab: Lab) -> Verdict:
        port = int(node_port)
        answer = probes.http_get(lab.nodeports.url(port, "/"))
        if isinstance(answer, probes.NoAnswer):
            return failed(
                "obs.nodeport.no_answer",
                port=port,
                reason=no_answer_reason(answer),
                service=f"Service {namespace}/{service}",
            )
        if answer.status == 200 and welcome in answer.text:
            return passed("obs.demo.reachable", port=port)
        snippet = " ".join(answer.text.split())[:80]
        return failed(
            "obs.demo.unexpected_page", port=port, status=answer.status, seen=snippet or "-"
        )

    return named(check, f"welcome page on NodePort {node_port}")
