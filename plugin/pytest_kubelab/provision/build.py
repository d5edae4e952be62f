"""The build of ``--lab-provision``, carried out step by step as checkpoints need it.

Collection finish prepares the build (:func:`prepare`): it reads the selected labs'
``provision.yaml``, finds the tools their selected steps use and fails then, before
anything is built, when one is missing. Nothing is built yet. The first checkpoint of a
lab that needs step N (through the lab folder's build fixtures, or the ``lab`` fixture)
builds steps 1..N of that lab once for the session; the next checkpoint of step N finds
them built. A step that fails stops the run: the checkpoints before it keep their
grades, nothing from that step on is graded.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import pytest

from .kindcluster import ClusterHandle
from .plan import LabPlan
from .recipe import RecipeError
from .runner import Report, Runner
from .tools import ProvisionError

EXIT_PROVISION_FAILED = pytest.ExitCode.INTERRUPTED
T = TypeVar("T")


@dataclass(frozen=True)
class BuiltStep:
    """What a build fixture gives its test: one step of the lab's reference solution.

    ``built`` is True when this run's ``--lab-provision`` built (or found up to date)
    every step up to this one; in grade mode it is False and nothing was run.
    """

    lab: str
    number: int
    title: str
    built: bool


@dataclass
class LabBuild:
    """This session's ``--lab-provision`` build: the plans, and how far each lab is built."""

    plans: dict[str, LabPlan]
    runner: Runner
    report: Report
    on_cluster: Callable[[ClusterHandle], None] = lambda handle: None  # once it exists
    built: dict[str, int] = field(default_factory=dict)  # lab → highest step built
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
            handle = self._guarded("step 1 (kind cluster)", create)
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
        handle = self.cluster()
        for step in plan.recipe.steps_up_to(number):
            if step.number > self.built.get(lab, 1):
                where = f"step {step.number}" + (f" ({step.title})" if step.title else "")
                self._guarded(where, partial(self.runner.step, plan.recipe, step, handle.target))
                self.built[lab] = step.number
                self.changed = True
        self.built[lab] = max(self.built.get(lab, 1), number)
        return BuiltStep(lab, number, _title(plan, number), built=True)

    def take_changed(self) -> bool:
        """Whether anything was built since the last call (the reader must re-read then)."""
        changed, self.changed = self.changed, False
        return changed

    def _guarded(self, where: str, action: Callable[[], T]) -> T:
        try:
            return action()
        except (ProvisionError, RecipeError) as exc:
            if self.graded_any:
                head = (
                    f"--lab-provision failed at {where}; the checkpoints before it were "
                    "graded, nothing from this step on"
                )
            else:
                head = f"--lab-provision failed at {where}, nothing was graded"
            self.failure = f"{head}:\n{exc}"
            pytest.exit(self.failure, EXIT_PROVISION_FAILED)


def _title(plan: LabPlan, number: int) -> str:
    return next((s.title for s in plan.recipe.steps if s.number == number), "")


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
