"""Which nodes are down, so that per-node checks do not charge a dead node twice.

A node that is not Ready is graded once, by the lab's ``nodes-ready`` checkpoint.
Checks that expect something on every node (a DaemonSet pod, a scrape target, node
metrics) leave such nodes out and say so, instead of failing for the same cause.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kube.reader import ClusterReader, name_of

# The labels kind and kubeadm give a control-plane node (``master`` before Kubernetes 1.24).
CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")


def is_control_plane(node: Mapping[str, Any]) -> bool:
    """Whether the node carries a control-plane role label."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    return any(label in labels for label in CONTROL_PLANE_LABELS)


def ready_condition(node: Mapping[str, Any]) -> dict[str, Any]:
    """The node's ``Ready`` condition (empty when the node reports none)."""
    for condition in (node.get("status") or {}).get("conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == "Ready":
            return dict(condition)
    return {}


def down_nodes(cluster: ClusterReader) -> dict[str, set[str]]:
    """Nodes whose Ready condition is not True: name → the node's addresses."""
    down: dict[str, set[str]] = {}
    for node in cluster.list("Node"):
        if ready_condition(node).get("status") == "True":
            continue
        addresses = (node.get("status") or {}).get("addresses") or []
        down[name_of(node)] = {
            str(a.get("address")) for a in addresses if isinstance(a, Mapping) and a.get("address")
        }
    return down


def node_of(pod: Mapping[str, Any]) -> str:
    return str((pod.get("spec") or {}).get("nodeName") or "")


def is_terminating(obj: Mapping[str, Any]) -> bool:
    """Deleted but not gone yet (``kubectl`` shows Terminating): no longer counts."""
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def instance_host(instance: str) -> str:
    """The host of a scrape target's ``instance`` label (``172.18.0.4:9100`` → ``172.18.0.4``)."""
    host = instance.rsplit(":", 1)[0] if instance.count(":") == 1 else instance
    if host.startswith("[") and "]" in host:  # [IPv6]:port
        host = host[1 : host.index("]")]
    return host
