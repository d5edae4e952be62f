"""Building blocks shared by the lab checks: Helm releases and workload readiness.

Readiness follows the controllers' own status fields (as ``kubectl rollout
status`` does), and a workload that is not ready is explained by its pods:
``2/3 ready; web-7d4b9c-x7k2m CrashLoopBackOff, 6 restarts``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..catalog import Joined, joined, phrase
from ..kube import podstatus
from ..kube.helmstate import Release, release
from ..kube.reader import ClusterReader, Obj, name_of
from ..verdict import Subject, Verdict, about, failed, passed, pending
from .nodehealth import down_nodes, is_terminating, node_of

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Readiness:
    """How many replicas a workload wants and how many are ready and up to date."""

    desired: int
    ready: int
    updated: int

    @property
    def complete(self) -> bool:
        return self.desired > 0 and self.ready >= self.desired and self.updated >= self.desired


def readiness(obj: Mapping[str, Any]) -> Readiness:
    """Read a Deployment, StatefulSet or DaemonSet status like ``kubectl rollout status``."""
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    kind = obj.get("kind")
    stale = int(status.get("observedGeneration") or 0) < int(
        (obj.get("metadata") or {}).get("generation") or 0
    )
    if kind == "DaemonSet":
        desired = int(status.get("desiredNumberScheduled") or 0)
        ready = int(status.get("numberReady") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
    else:
        desired = int(spec.get("replicas", 1) if spec.get("replicas") is not None else 1)
        ready_field = "availableReplicas" if kind == "Deployment" else "readyReplicas"
        ready = int(status.get(ready_field) or 0)
        updated = int(status.get("updatedReplicas") or 0)
    return Readiness(desired, ready, 0 if stale else updated)


def _on_down_nodes(cluster: ClusterReader, pods: Sequence[Obj]) -> list[str]:
    """Nodes that are down and hold a pod of ``pods`` that is not ready."""
    down = down_nodes(cluster)
    return sorted({node_of(p) for p in pods if node_of(p) in down and not podstatus.is_ready(p)})


def pods_of(cluster: ClusterReader, obj: Mapping[str, Any]) -> list[Obj]:
    """The pods a workload selects (its ``spec.selector.matchLabels``)."""
    selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    namespace = str((obj.get("metadata") or {}).get("namespace", ""))
    return cluster.list("Pod", namespace, selector) if selector else []


def pod_problems(
    cluster: ClusterReader, namespace: str, pods: Sequence[Obj]
) -> list[podstatus.PodProblem]:
    """Diagnose every pod that is not ready, worst first."""
    unready = [p for p in pods if not podstatus.is_ready(p)]
    if not unready:
        return []
    events = cluster.events_for(namespace, [name_of(p) for p in unready])
    found = [podstatus.problem(p, events) for p in unready]
    return podstatus.worst(p for p in found if p is not None)


def describe_problems(problems: Sequence[podstatus.PodProblem], limit: int = 3) -> Joined:
    """The first ``limit`` problems (with the cluster's own message), then how many more."""
    shown: list[Any] = [
        phrase("pod.problem_message", problem=p.phrase(), message=p.message)
        if p.message
        else p.phrase()
        for p in problems[:limit]
    ]
    if len(problems) > limit:
        shown.append(phrase("list.more", count=len(problems) - limit))
    return joined(shown, "; ")


def workload_verdict(
    cluster: ClusterReader,
    kind: str,
    namespace: str,
    name: str,
    *,
    release_name: str | None = None,
) -> Verdict:
    """Is ``kind/name`` fully ready? Explains why not, and says whether waiting can help.

    A missing workload is terminal when its Helm release (``release_name``) is
    missing or failed too; while the release is deployed it may still appear.
    """
    obj = cluster.get(kind, name, namespace)
    where = f"{kind} {namespace}/{name}"
    if obj is None:
        rel = release(cluster, namespace, release_name) if release_name else None
        if rel is not None and rel.deployed:
            return pending("workload.missing", workload=where, release=release_name)
        if release_name is None:
            # The lab applies this one with kubectl, not Helm: say so, not "helm list".
            return failed("workload.missing_applied", workload=where, namespace=namespace)
        return failed("workload.missing", workload=where, release=release_name)
    state = readiness(obj)
    params: dict[str, Any] = {"workload": where, "ready": state.ready, "desired": state.desired}
    if state.complete:
        return passed("workload.ready", **params)
    pods = [p for p in pods_of(cluster, obj) if not is_terminating(p)]
    if kind == "DaemonSet":
        excused = _on_down_nodes(cluster, pods)
        if excused and state.ready + len(excused) >= state.desired > 0:
            # The only pods missing are on nodes that are down: the node is the problem,
            # and nodes-ready grades it; this DaemonSet is fine everywhere it can be.
            return passed("workload.ready_but_nodes_down", nodes=", ".join(excused), **params)
    problems = pod_problems(cluster, namespace, pods)
    params["problems"] = describe_problems(problems) or "-"
    # The commands in the message name the worst pod, so they can be pasted as they are.
    worst = problems[0].pod if problems else (name_of(pods[0]) if pods else "")
    params["pod"] = f"-n {namespace} {worst}" if worst else f"-n {namespace} <pod>"
    selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels")
    subject = Subject(namespace, dict(selector) if selector else None)
    if any(p.terminal for p in problems):
        return about(failed("workload.not_ready", **params), subject)
    return about(pending("workload.not_ready", **params), subject)


def release_verdict(
    cluster: ClusterReader, namespace: str, name: str, install_command: str
) -> tuple[Verdict, Release | None]:
    """Is Helm release ``name`` deployed in ``namespace``? (read from Helm's release Secrets)."""
    rel = release(cluster, namespace, name)
    params: dict[str, Any] = {"release": name, "namespace": namespace, "command": install_command}
    if rel is None:
        return failed("release.missing", **params), None
    params.update(revision=rel.revision, status=rel.status)
    if rel.deployed:
        return passed("release.deployed", **params), rel
    if rel.status in ("pending-install", "pending-upgrade", "pending-rollback"):
        return pending("release.not_deployed", **params), rel
    return failed("release.not_deployed", **params), rel
