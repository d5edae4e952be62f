"""The build of ``--lab-provision``, carried out installation by installation as tests need it.

Collection finish prepares the build (:func:`pytest_kubelab.provision.hook.prepare_build`):
it reads the selected labs' ``provision.yaml``, finds the tools the installations the
selected tests request use, and fails then, before anything is built, when one is missing.
Nothing is built yet. A lab is built in the order its recipe is written (the cluster,
then each step's installations), and one counter per lab says how far: the first test
that requests an installation (through its build fixture, ``lab_install(name)``) builds
everything before it that is not built yet, then it; ``lab_step(n)`` and the ``lab``
fixture move the same counter to the end of step ``n``. Nothing is built twice in a
session. An installation that fails stops the run: the checkpoints graded before it keep
their grades, no later one is graded.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from .built import BuiltInstallation, BuiltStep
from .kindcluster import ClusterHandle
from .plan import LabPlan
from .recipe import Installation, RecipeError
from .runner import Report, Runner
from .tools import ProvisionError

__all__ = ["EXIT_PROVISION_FAILED", "BuiltInstallation", "BuiltStep", "LabBuild"]

EXIT_PROVISION_FAILED = pytest.ExitCode.INTERRUPTED
T = TypeVar("T")


@dataclass
class LabBuild:
    """This session's ``--lab-provision`` build: the plans, and how far each lab is built."""

    plans: dict[str, LabPlan]
    runner: Runner
    report: Report
    on_cluster: Callable[[ClusterHandle], None] = lambda handle: None  # once it exists
    # lab → how many of its installations (recipe order, the cluster first) are built
    built: dict[str, int] = field(default_factory=dict)
    announced: set[tuple[str, int]] = field(default_factory=set)  # empty steps reported
    graded_any: bool = False  # set once a checkpoint has run: a later failure says so
    changed: bool = False  # something was built since the grader last refreshed its reads
    failure: str | None = None

    def cluster(self) -> ClusterHandle:
        """The lab cluster, created (or reused) the first time any step asks for it."""
        if self.failure is not None:
            pytest.exit(self.failure, EXIT_PROVISION_FAILED)
        if self.runner.handle is not None:
            return self.runner.handle
        plan = next(iter(self.plans.values()))
        self.report("building " + ", ".join(p.describe() for p in self.plans.values()))
        try:
            create = partial(self.runner.cluster, plan.recipe)
            first = plan.recipe.installations[0]
            handle = self._guarded("step 1 (kind cluster)", first, create)
        finally:
            # Also when its nodes never became Ready: a cluster this run created is cleaned up.
            if self.runner.handle is not None:
                self.on_cluster(self.runner.handle)
        # Not `changed`: the cluster is made before the grader opens it (lab_settings), so
        # there is nothing stale to re-read; only later steps mark the reads stale.
        return handle

    def up_to(self, lab: str, number: int) -> BuiltStep:
        """Build steps 1..``number`` of ``lab`` unless this session already did."""
        plan = self.plans.get(lab)
        if plan is None:
            # A lab this run's selection did not plan: nothing to build, nothing to claim.
            return BuiltStep(lab, number, "", built=False)
        number = min(number, plan.last_step)  # never past what the selection planned
        self._advance(plan, plan.recipe.end_of_step(number), number)
        return BuiltStep(lab, number, plan.recipe.step_title(number), built=True)

    def install(self, lab: str, fixture: str) -> BuiltInstallation:
        """Build the installation ``fixture`` of ``lab``, and all before it, unless built.

        An unknown name stops the run with a usage error naming the recipe's installations.
        """
        plan = self.plans.get(lab)
        if plan is None:
            return BuiltInstallation(lab, fixture, None, built=False)
        recipe = plan.recipe
        position = recipe.position(fixture)
        if position is None:
            known = ", ".join(i.fixture for i in recipe.installations)
            pytest.exit(
                f"lab_install({fixture!r}): {recipe.path} names no installation {fixture!r}; "
                f"its installations: {known}",
                pytest.ExitCode.USAGE_ERROR,
            )
        installation = recipe.installations[position - 1]
        self._advance(plan, position, installation.step)
        return BuiltInstallation(lab, fixture, installation.step, built=True)

    def for_checkpoint(self, lab: str, step: int, requested: Collection[str]) -> None:
        """The ``lab`` fixture's part: build the checkpoint's step when its test requests
        none of the lab's installations (a lab folder without build fixtures)."""
        plan = self.plans.get(lab)
        if plan is None:
            return
        names = {i.fixture for i in plan.recipe.installations}
        if names.isdisjoint(requested):
            self.up_to(lab, step)

    def take_changed(self) -> bool:
        """Whether anything was built since the last call (the reader must re-read then)."""
        changed, self.changed = self.changed, False
        return changed

    def _advance(self, plan: LabPlan, position: int, through_step: int) -> None:
        """Build ``plan``'s installations up to ``position``; report empty steps passed."""
        recipe = plan.recipe
        handle = self.cluster()  # installation 1 of every lab: the cluster they share
        lab = recipe.lab
        for index in range(self.built.get(lab, 1), position):
            installation = recipe.installations[index]
            self._announce_empty_steps(plan, installation.step - 1)
            where = f"step {installation.step}"
            title = recipe.step_title(installation.step)
            where += f" ({title})" if title else ""
            install = partial(self.runner.install, recipe, installation, handle.target)
            self._guarded(where, installation, install)
            self.built[lab] = index + 1
            self.changed = True
        self.built[lab] = max(self.built.get(lab, 1), position)
        self._announce_empty_steps(plan, through_step)

    def _announce_empty_steps(self, plan: LabPlan, through: int) -> None:
        """A step with nothing to install still gets its progress line, once."""
        recipe = plan.recipe
        for step in recipe.steps_up_to(through):
            key = (recipe.lab, step.number)
            if not step.installations and key not in self.announced:
                self.announced.add(key)
                self.runner.step(recipe, step, self.cluster().target)

    def _guarded(self, where: str, installation: Installation, action: Callable[[], T]) -> T:
        try:
            return action()
        except (ProvisionError, RecipeError) as exc:
            if self.graded_any:
                head = (
                    f"--lab-provision failed at {where}; the checkpoints before it were "
                    "graded, none after it"
                )
            else:
                head = f"--lab-provision failed at {where}, nothing was graded"
            self.failure = f"{head}:\ninstallation {installation.fixture}: {exc}"
            pytest.exit(self.failure, EXIT_PROVISION_FAILED)


def reporter(config: pytest.Config) -> Report:
    """Progress lines, ``kubelab provision: ...``, through pytest's terminal."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")

    def report(line: str) -> None:
        if terminal is None:
            print(f"kubelab provision: {line}", file=sys.stderr)
            return
        # Steps are built inside a test's setup, where pytest captures the output: the
        # instructor must see the progress as it happens, so capturing pauses for it.
        paused = capture.global_and_fixture_disabled() if capture else contextlib.nullcontext()
        with paused:
            terminal.write_line(f"kubelab provision: {line}")

    return report


def kubeconfig_for(explicit: Path | None) -> Path:
    return explicit or Path("~/.kube/config").expanduser()
