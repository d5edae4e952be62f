"""DaemonSets that must run one pod on every node, the kind control plane included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..kube.reader import ClusterReader, name_of
from ..verdict import Verdict, failed
from .workloads import pods_of


def missing_nodes(cluster: ClusterReader, daemonset: Mapping[str, Any]) -> list[str]:
    """Names of the nodes that have no pod of ``daemonset``."""
    covered = {(p.get("spec") or {}).get("nodeName") for p in pods_of(cluster, daemonset)}
    return sorted(name_of(n) for n in cluster.list("Node") if name_of(n) not in covered)


def every_node_verdict(cluster: ClusterReader, daemonset: Mapping[str, Any]) -> Verdict | None:
    """A failure when the DaemonSet is scheduled on fewer nodes than the cluster has.

    The usual cause is a missing toleration of the control-plane taint, which no
    amount of waiting fixes.
    """
    nodes = cluster.list("Node")
    desired = int((daemonset.get("status") or {}).get("desiredNumberScheduled") or 0)
    if desired >= len(nodes):
        return None
    meta = daemonset.get("metadata") or {}
    return failed(
        "obs.daemonset_not_everywhere",
        workload=f"DaemonSet {meta.get('namespace')}/{meta.get('name')}",
        desired=desired,
        nodes=len(nodes),
        missing=", ".join(missing_nodes(cluster, daemonset)) or "-",
    )
