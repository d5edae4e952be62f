"""Carry out a provisioning plan, step by step, with a progress line for each action."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import helm, kubectl, readiness
from .helm import HelmRelease
from .kindcluster import ClusterHandle, ensure_cluster
from .plan import LabPlan
from .recipe import Apply, ContainerArg, Installation, Ready, Recipe, Step
from .tools import KubeTarget, ProvisionError, Tools

Report = Callable[[str], None]


@dataclass
class Runner:
    """Provision the selected lab steps against one kind cluster."""

    tools: Tools
    kubeconfig: Path
    report: Report
    image: str | None = None
    node_budget: float = readiness.DEFAULT_BUDGET
    handle: ClusterHandle | None = None  # set as soon as the cluster exists, even if a step fails

    def run(self, plans: Sequence[LabPlan]) -> ClusterHandle | None:
        """Build every plan in order; returns the cluster (None when nothing was planned)."""
        if not plans:
            return None
        names = {p.recipe.cluster.name for p in plans}
        if len(names) != 1:
            raise ProvisionError(f"the selected labs want different clusters: {sorted(names)}")
        handle = self.cluster(plans[0].recipe)
        for plan in plans:
            for step in plan.recipe.steps_up_to(plan.last_step):
                self.step(plan.recipe, step, handle.target)
        return handle

    def cluster(self, recipe: Recipe) -> ClusterHandle:
        """Step 1 of every lab: create (or reuse) the kind cluster and wait for its nodes."""
        spec = recipe.cluster
        started = time.monotonic()
        handle = ensure_cluster(self.tools, spec.name, spec.config, self.kubeconfig, self.image)
        self.handle = handle
        readiness.wait_until(
            readiness.nodes_ready(self.tools, handle.target, spec.nodes), self.node_budget
        )
        verb = "created" if handle.created else "reused existing"
        self.report(
            f"[{recipe.lab}] step 1: {verb} kind cluster {spec.name} "
            f"({spec.nodes} nodes Ready, context {handle.target.context}) "
            f"{_elapsed(started)}"
        )
        return handle

    def step(self, recipe: Recipe, step: Step, target: KubeTarget) -> None:
        """Carry out one step's installations, in order, with a progress line per action."""
        if not step.installations:
            self.report(f"[{recipe.lab}] step {step.number}: {step.title or 'nothing to install'}")
            return
        for installation in step.installations:
            self.install(recipe, installation, target)

    def install(self, recipe: Recipe, installation: Installation, target: KubeTarget) -> None:
        """Carry out one installation's actions, in order, with a progress line for each."""
        prefix = f"[{recipe.lab}] step {installation.step}"
        for action in installation.actions:
            started = time.monotonic()
            self.report(f"{prefix}: {self._do(action, target)} {_elapsed(started)}")

    def _do(self, action: object, target: KubeTarget) -> str:
        tools = self.tools
        if isinstance(action, HelmRelease):
            ran = helm.ensure_release(tools, target, action)
            return f"{action.describe()}: {'installed' if ran else 'already up to date'}"
        if isinstance(action, Apply):
            return self._apply(action, target)
        if isinstance(action, ContainerArg):
            ran = kubectl.ensure_arg(tools, target, action.namespace, action.deployment, action.arg)
            where = f"Deployment {action.namespace}/{action.deployment}"
            return f"{action.arg} on {where}: {'added' if ran else 'already there'}"
        if isinstance(action, Ready):
            readiness.wait_until(
                readiness.deployment_ready(tools, target, action.namespace, action.deployment),
                action.timeout,
            )
            return f"Deployment {action.namespace}/{action.deployment} ready"
        raise ProvisionError(f"unknown provisioning action {action!r}")

    def _apply(self, action: Apply, target: KubeTarget) -> str:
        name = Path(action.source).name if action.is_file else action.source
        if action.unless_exists is not None:
            kind, namespace, obj = action.unless_exists
            if kubectl.exists(self.tools, target, kind, obj, namespace):
                return f"{name}: {kind} {namespace}/{obj} already exists, not re-applied"
            kubectl.apply(self.tools, target, action.source)
            return f"{name}: applied"
        if action.is_file:
            ran = kubectl.ensure_file(self.tools, target, Path(action.source))
            return f"{name}: {'applied' if ran else 'all objects already exist'}"
        kubectl.apply(self.tools, target, action.source)
        return f"{name}: applied"


def _elapsed(started: float) -> str:
    return f"({time.monotonic() - started:.0f}s)"
