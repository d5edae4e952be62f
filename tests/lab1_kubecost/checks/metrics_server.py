"""Step 2 (metrics-server and the metrics API) and the pod usage read in Step 6.

On kind the kubelet serving certificates carry no IP SANs, so metrics-server
without ``--kubelet-insecure-tls`` never becomes Ready (chart-facts 7.1): that
case cannot heal by waiting and fails at once with the lab's patch command.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pytest_kubelab.checks.nodehealth import down_nodes, is_terminating
from pytest_kubelab.checks.workloads import workload_verdict
from pytest_kubelab.expect import Check, named
from pytest_kubelab.kube.quantity import format_cpu, format_memory, parse_quantity
from pytest_kubelab.kube.reader import Obj, name_of
from pytest_kubelab.kube.transport import Forbidden, KubeApiError
from pytest_kubelab.verdict import Verdict, failed, passed, pending, with_details

if TYPE_CHECKING:
    from pytest_kubelab.lab import Lab


@dataclass(frozen=True)
class Usage:
    """CPU (cores) and memory (bytes) one object uses, as ``kubectl top`` shows it."""

    cpu: Decimal
    memory: Decimal

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.cpu + other.cpu, self.memory + other.memory)

    def describe(self) -> str:
        return f"{format_cpu(self.cpu)}/{format_memory(self.memory)}"


def usage_of(raw: Any) -> Usage | None:
    """Read a ``usage`` map ({cpu, memory}); ``None`` when either is absent or malformed."""
    if not isinstance(raw, Mapping):
        return None
    try:
        return Usage(parse_quantity(raw["cpu"]), parse_quantity(raw["memory"]))
    except (KeyError, ValueError):
        return None


def pod_usage_of(metrics: Mapping[str, Any]) -> Usage | None:
    """Sum the containers of a PodMetrics object."""
    containers = metrics.get("containers") or []
    usages = [usage_of(c.get("usage")) for c in containers if isinstance(c, Mapping)]
    if not usages or any(u is None for u in usages):
        return None
    total = Usage(Decimal(0), Decimal(0))
    for usage in usages:
        assert usage is not None  # narrowed above; mypy cannot see through any()
        total = total + usage
    return total


def _args(deployment: Mapping[str, Any]) -> list[str]:
    template = ((deployment.get("spec") or {}).get("template") or {}).get("spec") or {}
    args: list[str] = []
    for container in template.get("containers") or []:
        args += [str(a) for a in (container.get("command") or []) + (container.get("args") or [])]
    return args


def deployment_available(
    namespace: str, deployment: str, *, required_arg: str, patch_command: str, install_command: str
) -> Check:
    """Deployment ``namespace/deployment`` is available; not Ready without ``required_arg``
    fails at once with ``patch_command`` (kind's kubelets need ``--kubelet-insecure-tls``).
    """

    def check(lab: Lab) -> Verdict:
        obj = lab.cluster.get("Deployment", deployment, namespace)
        if obj is None:
            command = " ".join(install_command.split())
            return failed("cost.metrics.server_missing", namespace=namespace, command=command)
        verdict = workload_verdict(lab.cluster, "Deployment", namespace, deployment)
        if verdict.ok:
            return verdict
        flag = required_arg
        if not any(arg == flag or arg.startswith(flag + "=") for arg in _args(obj)):
            return failed(
                "cost.metrics.server_insecure_tls_missing",
                workload=f"Deployment {namespace}/{deployment}",
                flag=flag,
                problems=verdict.params.get("problems", "-"),
                command=" ".join(patch_command.split()),
            )
        return verdict

    return named(check, f"Deployment {namespace}/{deployment} available with {required_arg}")


def _condition(obj: Mapping[str, Any], kind: str) -> dict[str, Any]:
    for condition in (obj.get("status") or {}).get("conditions") or []:
        if isinstance(condition, Mapping) and condition.get("type") == kind:
            return dict(condition)
    return {}


def api_available(lab: Lab, apiservice: str) -> tuple[bool, dict[str, Any]]:
    """Whether APIService ``apiservice`` is Available, plus its Available condition."""
    obj = lab.cluster.get("APIService", apiservice)
    if obj is None:
        return False, {}
    condition = _condition(obj, "Available")
    return condition.get("status") == "True", condition


def apiservice_available(apiservice: str, *, install_command: str) -> Check:
    """APIService ``apiservice`` reports Available=True; a missing one names ``install_command``."""

    def check(lab: Lab) -> Verdict:
        if lab.cluster.get("APIService", apiservice) is None:
            command = " ".join(install_command.split())
            return failed("cost.metrics.apiservice_missing", apiservice=apiservice, command=command)
        available, condition = api_available(lab, apiservice)
        params = {
            "apiservice": apiservice,
            "status": condition.get("status", "Unknown"),
            "reason": condition.get("reason") or "-",
            "message": condition.get("message") or "-",
        }
        if available:
            return passed("cost.metrics.apiservice_available", **params)
        return pending("cost.metrics.apiservice_unavailable", **params)

    return named(check, f"APIService {apiservice} Available")


def _metrics_list(lab: Lab, kind: str, namespace: str | None = None) -> list[Obj] | Verdict:
    try:
        return lab.cluster.list(kind, namespace)
    except Forbidden:
        raise  # a permissions problem, reported as such by lab.require
    except KubeApiError as exc:
        # 503 "the server is currently unable to handle the request" is what kubectl top
        # prints as "Metrics API not available".
        return pending("cost.metrics.api_error", status=exc.status, reason=exc.reason or "-")


def every_node_has_usage() -> Check:
    """The metrics API returns CPU and memory usage for every node (``kubectl top nodes``).

    metrics-server cannot scrape the kubelet of a node that is down; that node is graded
    on its own, so only the nodes that are up must have usage.
    """

    def check(lab: Lab) -> Verdict:
        found = _metrics_list(lab, "NodeMetrics")
        if isinstance(found, Verdict):
            return found
        usage = {name_of(m): usage_of(m.get("usage")) for m in found}
        nodes = sorted(name_of(n) for n in lab.cluster.list("Node"))
        rows = [f"{node}: {u.describe() if (u := usage.get(node)) else '-'}" for node in nodes]
        dead = [node for node in down_nodes(lab.cluster) if usage.get(node) is None]
        missing = [node for node in nodes if usage.get(node) is None and node not in dead]
        params = {"nodes": len(nodes), "usage": ", ".join(rows), "missing": ", ".join(missing)}
        if missing:
            verdict = pending("cost.metrics.top_nodes_missing", **params)
        elif dead:
            down = ", ".join(dead)
            verdict = passed("cost.metrics.top_nodes_ok_but_nodes_down", down=down, **params)
        else:
            verdict = passed("cost.metrics.top_nodes_ok", **params)
        return with_details(verdict, ("NODE: CPU/MEMORY", *rows))

    return named(check, "usage for every node")


def deployment_pods_usage(
    lab: Lab, namespace: str, deployment: str
) -> tuple[list[str], dict[str, Usage | None]] | Verdict:
    """Running pods of a Deployment and each one's usage (None when metrics lack it)."""
    obj = lab.cluster.get("Deployment", deployment, namespace)
    if obj is None:
        return failed("cost.metrics.deployment_missing", workload=f"{namespace}/{deployment}")
    selector = ((obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    pods = [
        name_of(p)
        for p in lab.cluster.list("Pod", namespace, selector)
        # A Terminating pod (evicted from a dead node, say) has no usage and no longer counts.
        if (p.get("status") or {}).get("phase") == "Running" and not is_terminating(p)
    ]
    found = _metrics_list(lab, "PodMetrics", namespace)
    if isinstance(found, Verdict):
        return found
    by_pod = {name_of(m): pod_usage_of(m) for m in found}
    return pods, {pod: by_pod.get(pod) for pod in pods}


def pods_have_usage(namespace: str, deployment: str) -> Check:
    """The metrics API has usage for every Running pod of Deployment ``namespace/deployment``."""

    def check(lab: Lab) -> Verdict:
        found = deployment_pods_usage(lab, namespace, deployment)
        if isinstance(found, Verdict):
            return found
        pods, usage = found
        rows = tuple(f"{pod}: {u.describe() if u else '-'}" for pod, u in sorted(usage.items()))
        params = {"namespace": namespace, "deployment": deployment, "usage": ", ".join(rows)}
        if not pods:
            return pending("cost.metrics.pod_usage_no_pods", **params)
        missing = [pod for pod, u in usage.items() if u is None]
        if missing:
            return pending(
                "cost.metrics.pod_usage_missing", missing=", ".join(sorted(missing)), **params
            )
        return with_details(
            passed("cost.metrics.pod_usage_ok", pods=len(pods), **params),
            ("POD: CPU/MEMORY", *rows),
        )

    return named(check, f"usage for the pods of Deployment {namespace}/{deployment}")
