"""Readiness waits after a provisioning step, through the grader's own wait primitive.

``helm --wait`` already blocks for chart releases; plain manifests (a Deployment
applied with kubectl, one patched after install) and fresh kind nodes are waited
for here with :func:`pytest_kubelab.waiting.settle`, so provisioning and grading agree
on what "still starting" means and how long to give it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..verdict import Verdict, passed, pending
from ..waiting import settle
from .tools import KubeTarget, ProvisionError, Tools, run

DEFAULT_BUDGET = 300.0


def _get_json(tools: Tools, target: KubeTarget, *args: str) -> Any:
    completed = run(
        [tools.kubectl, *target.kubectl_args(), "get", *args, "-o", "json"],
        what=f"reading {' '.join(args)}",
        check=False,
    )
    if completed.returncode != 0:
        return None  # not there yet (or the API is still starting): look again
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError:
        return None


def nodes_ready(tools: Tools, target: KubeTarget, expected: int) -> Callable[[], Verdict]:
    """Check: ``expected`` nodes exist and all are Ready."""

    def check() -> Verdict:
        data = _get_json(tools, target, "nodes")
        items = data.get("items", []) if isinstance(data, dict) else []
        ready = [
            n
            for n in items
            if any(
                c.get("type") == "Ready" and c.get("status") == "True"
                for c in (n.get("status") or {}).get("conditions") or []
            )
        ]
        what = f"{expected} nodes"
        if len(items) >= expected and len(ready) == len(items):
            return passed("provision.ready", what=what)
        return pending("provision.not_ready", what=what, seen=f"{len(ready)}/{len(items)} Ready")

    return check


def deployment_ready(
    tools: Tools, target: KubeTarget, namespace: str, name: str
) -> Callable[[], Verdict]:
    """Check: Deployment ``namespace/name`` has rolled out and all its replicas are ready."""

    def check() -> Verdict:
        what = f"Deployment {namespace}/{name}"
        data = _get_json(tools, target, "deployment", name, "--namespace", namespace)
        if not isinstance(data, dict):
            return pending("provision.not_ready", what=what, seen="not found yet")
        spec = data.get("spec") or {}
        status = data.get("status") or {}
        want = int(spec.get("replicas", 1))
        ready = int(status.get("readyReplicas") or 0)
        updated = int(status.get("updatedReplicas") or 0)
        total = int(status.get("replicas", updated) or 0)
        generation = int((data.get("metadata") or {}).get("generation", 0))
        observed = int(status.get("observedGeneration", generation))
        # Like `kubectl rollout status`: the new spec is seen, and no old pod is left.
        if observed >= generation and ready >= want and updated >= want and total <= updated:
            return passed("provision.ready", what=what)
        return pending("provision.not_ready", what=what, seen=f"{ready}/{want} ready")

    return check


def wait_until(check: Callable[[], Verdict], budget: float = DEFAULT_BUDGET) -> None:
    """Wait with :func:`settle` until ``check`` passes; raise ProvisionError if it never does."""
    verdict = settle(check, budget=budget, refresh=lambda: None)
    if not verdict.ok:
        params = verdict.params
        raise ProvisionError(
            f"{params.get('what', 'the step')} did not become ready within {budget:g}s "
            f"(last seen: {params.get('seen', '?')})"
        )
