"""Step 1 of both labs: the kind cluster exists, has the right nodes, and they are Ready."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .. import expect
from ..cluster import name_of
from ..verdict import Verdict, failed, passed, pending
from .nodehealth import ready_condition

if TYPE_CHECKING:
    from ..lab import Lab

CONTROL_PLANE_LABELS = ("node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master")
# A node that has been NotReady this long is broken, not booting.
NOT_READY_GRACE_SECONDS = 180


def cluster_reachable(lab: Lab) -> Verdict:
    """The API server answers ``/version``; a context other than the lab's is pointed out."""
    return expect.api_reachable()(lab)


def is_control_plane(node: Mapping[str, Any]) -> bool:
    labels = (node.get("metadata") or {}).get("labels") or {}
    return any(label in labels for label in CONTROL_PLANE_LABELS)


def node_roles(lab: Lab) -> Verdict:
    """Exactly the expected number of control-plane and worker nodes."""
    expected = lab.expected["nodes"]
    nodes = lab.cluster.list("Node")
    control = sorted(name_of(n) for n in nodes if is_control_plane(n))
    workers = sorted(name_of(n) for n in nodes if not is_control_plane(n))
    params = {
        "want_cp": expected["control_plane"],
        "want_workers": expected["workers"],
        "cp": len(control),
        "workers": len(workers),
        "names": ", ".join(control + workers) or "-",
        "cluster_name": lab.expected.get("cluster_name", "-"),
    }
    if len(control) == expected["control_plane"] and len(workers) == expected["workers"]:
        return passed("nodes.roles_ok", **params)
    return failed("nodes.roles_wrong", **params)


def _age_seconds(timestamp: str | None) -> float:
    if not timestamp:
        return 0.0
    try:
        then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    return (datetime.now(timezone.utc) - then).total_seconds()


def nodes_ready(lab: Lab) -> Verdict:
    """Every node reports Ready; a long-NotReady node fails at once."""
    nodes = lab.cluster.list("Node")
    if not nodes:
        return failed("nodes.none")
    not_ready = []
    stuck = False
    for node in nodes:
        condition = ready_condition(node)
        if condition.get("status") == "True":
            continue
        reason = condition.get("reason") or "NotReady"
        not_ready.append(f"{name_of(node)} ({reason})")
        # NodeStatusUnknown means the kubelet was up and then went silent: a dead node
        # container, not one still booting. Otherwise judge by how long it has been so.
        stuck |= reason == "NodeStatusUnknown"
        stuck |= _age_seconds(condition.get("lastTransitionTime")) > NOT_READY_GRACE_SECONDS
    params: dict[str, Any] = {"total": len(nodes), "ready": len(nodes) - len(not_ready)}
    if not not_ready:
        return passed("nodes.ready_ok", **params)
    params["not_ready"] = ", ".join(not_ready)
    if stuck:
        return failed("nodes.not_ready", **params)
    return pending("nodes.not_ready", **params)
