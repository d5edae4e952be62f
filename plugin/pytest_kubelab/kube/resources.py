"""Where each Kubernetes kind lives in the REST API.

Both the grader (to build request paths) and the simulator (to route them)
use this one table, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Resource:
    """A REST resource: group/version prefix, plural name and whether it is namespaced."""

    kind: str
    group_version: str  # "v1" for the core group, else "group/version"
    plural: str
    namespaced: bool

    @property
    def prefix(self) -> str:
        return "/api/v1" if self.group_version == "v1" else f"/apis/{self.group_version}"

    def collection_path(self, namespace: str | None = None) -> str:
        if self.namespaced and namespace:
            return f"{self.prefix}/namespaces/{namespace}/{self.plural}"
        return f"{self.prefix}/{self.plural}"

    def object_path(self, name: str, namespace: str | None = None) -> str:
        return f"{self.collection_path(namespace)}/{name}"


RESOURCES: dict[str, Resource] = {
    r.kind: r
    for r in (
        Resource("Namespace", "v1", "namespaces", False),
        Resource("Node", "v1", "nodes", False),
        Resource("Pod", "v1", "pods", True),
        Resource("Service", "v1", "services", True),
        Resource("Endpoints", "v1", "endpoints", True),
        Resource("EndpointSlice", "discovery.k8s.io/v1", "endpointslices", True),
        Resource("Secret", "v1", "secrets", True),
        Resource("ConfigMap", "v1", "configmaps", True),
        Resource("Event", "v1", "events", True),
        Resource("PersistentVolumeClaim", "v1", "persistentvolumeclaims", True),
        Resource("Deployment", "apps/v1", "deployments", True),
        Resource("StatefulSet", "apps/v1", "statefulsets", True),
        Resource("DaemonSet", "apps/v1", "daemonsets", True),
        Resource("ReplicaSet", "apps/v1", "replicasets", True),
        Resource("HorizontalPodAutoscaler", "autoscaling/v2", "horizontalpodautoscalers", True),
        Resource("APIService", "apiregistration.k8s.io/v1", "apiservices", False),
        Resource("NodeMetrics", "metrics.k8s.io/v1beta1", "nodes", False),
        Resource("PodMetrics", "metrics.k8s.io/v1beta1", "pods", True),
    )
}


def resource_for(kind: str) -> Resource:
    """Return the resource of ``kind``; an unknown kind is a programming error."""
    try:
        return RESOURCES[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}; known: {', '.join(sorted(RESOURCES))}") from None


def resource_at(group_version: str, plural: str) -> Resource | None:
    """Find the resource served at ``group_version``/``plural`` (used by the simulator)."""
    for resource in RESOURCES.values():
        if resource.group_version == group_version and resource.plural == plural:
            return resource
    return None
