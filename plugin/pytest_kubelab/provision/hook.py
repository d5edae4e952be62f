"""The session side of ``--lab-provision``: build, then let the normal grading run.

Called once the selection is final (``pytest_collection_finish``), so ``-m`` and
``-k`` decide which steps are built. A failure stops the run before any checkpoint
runs, with the command and its stderr, since grading a half-built lab says nothing.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from ..session import PROVISIONED_KEY, SETTINGS_KEY
from .helm import HelmRelease
from .kindcluster import ClusterHandle
from .options import helm_bin, provision_requested
from .plan import LabPlan, plan_for
from .recipe import RecipeError
from .runner import Report, Runner
from .tools import ProvisionError, Tools, find_tool

EXIT_PROVISION_FAILED = pytest.ExitCode.INTERRUPTED


def _reporter(config: pytest.Config) -> Report:
    terminal = config.pluginmanager.get_plugin("terminalreporter")

    def report(line: str) -> None:
        if terminal is not None:
            terminal.write_line(f"kubelab provision: {line}")
        else:
            print(f"kubelab provision: {line}", file=sys.stderr)

    return report


def tools_for(config: pytest.Config, plans: Sequence[LabPlan] = ()) -> Tools:
    """kind and kubectl, and helm when a planned step installs a chart: from the explicit
    options or PATH, never downloaded. A build of steps without charts needs no helm."""
    charts = any(
        isinstance(action, HelmRelease)
        for plan in plans
        for step in plan.recipe.steps_up_to(plan.last_step)
        for action in step.actions
    )
    return Tools(
        kind=find_tool("kind", config.getoption("kind_bin", default=None)),
        helm_path=find_tool("helm", helm_bin(config)) if charts else None,
        kubectl=find_tool("kubectl", config.getoption("kind_kubectl_bin", default=None)),
    )


def provision_session(session: pytest.Session) -> None:
    """Build the selected lab steps when ``--lab-provision`` is given; else do nothing."""
    config = session.config
    if not provision_requested(config):
        return
    if config.option.collectonly or hasattr(config, "workerinput"):
        return
    settings = config.stash[SETTINGS_KEY]
    if settings.sim is not None:
        raise pytest.UsageError(
            "--lab-provision builds a real cluster; it cannot be used with --lab-sim"
        )
    report = _reporter(config)
    runner: Runner | None = None
    try:
        plans = plan_for(session.items)
        if not plans:
            report("no lab checkpoint selected, nothing to build")
            return
        report("building " + ", ".join(p.describe() for p in plans))
        kubeconfig = settings.kubeconfig or Path("~/.kube/config").expanduser()
        runner = Runner(
            tools_for(config, plans),
            kubeconfig,
            report,
            image=config.getoption("kind_image", default=None),
        )
        handle = runner.run(plans)
    except (ProvisionError, RecipeError) as exc:
        if runner is not None and runner.handle is not None:
            _cleanup_later(config, runner.handle, report)
        pytest.exit(f"--lab-provision failed, nothing was graded:\n{exc}", EXIT_PROVISION_FAILED)
    if handle is None:
        return
    if settings.context and settings.context != handle.target.context:
        raise pytest.UsageError(
            f"--kube-context {settings.context} differs from the provisioned cluster's "
            f"context {handle.target.context}"
        )
    config.stash[PROVISIONED_KEY] = handle
    config.stash[SETTINGS_KEY] = dataclasses.replace(
        settings, kubeconfig=handle.target.kubeconfig, context=handle.target.context
    )
    _cleanup_later(config, handle, report)


def _cleanup_later(config: pytest.Config, handle: ClusterHandle, report: Report) -> None:
    """pytest-kind's convention: a cluster this run created goes at the end, unless kept."""
    if not handle.created:
        return
    if config.getoption("keep_cluster", default=False):
        report(f"cluster {handle.name} will be kept (--keep-cluster)")
        return
    config.add_cleanup(lambda: _delete(handle, report))


def _delete(handle: ClusterHandle, report: Report) -> None:
    report(f"deleting cluster {handle.name} (created by this run; --keep-cluster keeps it)")
    try:
        handle.delete()
    except ProvisionError as exc:
        report(f"could not delete cluster {handle.name}: {exc}")
