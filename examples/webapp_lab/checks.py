"""The one check this lab needs that the generic vocabulary does not have.

It reads the cluster through ``lab.cluster`` (read-only, cached per round) and
returns a verdict whose message keys live in this folder's ``messages.yaml``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_kubelab.expect import Check
from pytest_kubelab.verdict import Verdict, failed, passed

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab

RESOURCES = ("cpu", "memory")


def requests_and_limits(namespace: str, name: str) -> Check:
    """Every container of Deployment ``namespace/name`` sets cpu and memory requests and limits."""

    def check(lab: Lab) -> Verdict:
        where = f"Deployment {namespace}/{name}"
        deployment = lab.cluster.get("Deployment", name, namespace)
        if deployment is None:
            return failed("webapp.deployment_missing", workload=where)
        pod_spec = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
        containers = pod_spec.get("containers") or []
        missing = [
            f"{container.get('name', '?')}: {section}.{resource}"
            for container in containers
            for section in ("requests", "limits")
            for resource in RESOURCES
            if resource not in ((container.get("resources") or {}).get(section) or {})
        ]
        if missing:
            return failed("webapp.resources_missing", workload=where, missing=", ".join(missing))
        names = ", ".join(str(c.get("name", "?")) for c in containers)
        return passed("webapp.resources_ok", workload=where, containers=names)

    return check
