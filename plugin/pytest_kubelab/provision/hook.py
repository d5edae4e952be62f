"""The session side of ``--lab-provision``: prepare the build, then let the checkpoints ask.

Called once the selection is final (``pytest_collection_finish``), so ``-m`` and ``-k``
decide which installations are planned: those the selected tests request through their
build fixtures (:mod:`pytest_kubelab.provision.plan`). Preparing checks everything that
can be checked without building (the recipes, one cluster for all selected labs, the
tools the planned installations use, the context) and fails before anything is built;
the installations themselves are built when a test first requests them
(:mod:`pytest_kubelab.provision.build`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from ..session import BUILD_KEY, SETTINGS_KEY
from .build import EXIT_PROVISION_FAILED, LabBuild, kubeconfig_for, reporter
from .helm import HelmRelease
from .kindcluster import ClusterHandle
from .options import helm_bin, provision_requested
from .plan import LabPlan, plan_for
from .recipe import RecipeError
from .runner import Report, Runner
from .tools import ProvisionError, Tools, find_tool

__all__ = ["EXIT_PROVISION_FAILED", "prepare_build", "refuse_parallel", "tools_for"]


def tools_for(config: pytest.Config, plans: Sequence[LabPlan] = ()) -> Tools:
    """kind and kubectl, and helm when a planned installation is a chart: from the explicit
    options or PATH, never downloaded. A build of manifests only needs no helm."""
    charts = any(
        isinstance(action, HelmRelease)
        for plan in plans
        for installation in plan.installations
        for action in installation.actions
    )
    return Tools(
        kind=find_tool("kind", config.getoption("kind_bin", default=None)),
        helm_path=find_tool("helm", helm_bin(config)) if charts else None,
        kubectl=find_tool("kubectl", config.getoption("kind_kubectl_bin", default=None)),
    )


def refuse_parallel(config: pytest.Config) -> None:
    """One cluster is built piece by piece: xdist workers would each try to build it."""
    workers = config.getoption("numprocesses", default=None)
    if provision_requested(config) and workers not in (None, 0, "0"):
        raise pytest.UsageError(
            f"--lab-provision cannot be used with -n {workers}: it builds one cluster step by "
            "step. Build first (pytest --lab-provision --keep-cluster), then grade with -n."
        )


def prepare_build(session: pytest.Session) -> None:
    """Plan the selected tests' installations when ``--lab-provision`` is given; else
    do nothing."""
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
    report = reporter(config)
    try:
        plans = plan_for(session.items)
        if not plans:
            report("no lab checkpoint selected, nothing to build")
            return
        clusters = {p.recipe.cluster.name for p in plans}
        if len(clusters) != 1:
            raise ProvisionError(f"the selected labs want different clusters: {sorted(clusters)}")
        runner = Runner(
            tools_for(config, plans),
            kubeconfig_for(settings.kubeconfig),
            report,
            image=config.getoption("kind_image", default=None),
        )
    except (ProvisionError, RecipeError) as exc:
        pytest.exit(f"--lab-provision failed, nothing was graded:\n{exc}", EXIT_PROVISION_FAILED)
    context = f"kind-{clusters.pop()}"  # kind names every cluster's context so
    if settings.context and settings.context != context:
        raise pytest.UsageError(
            f"--kube-context {settings.context} differs from the provisioned cluster's "
            f"context {context}"
        )
    config.stash[BUILD_KEY] = LabBuild(
        {p.recipe.lab: p for p in plans},
        runner,
        report,
        on_cluster=lambda handle: _cluster_ready(config, handle, report),
    )


def _cluster_ready(config: pytest.Config, handle: ClusterHandle, report: Report) -> None:
    """From now on the grader reads the cluster the build made (or reused)."""
    target = handle.target
    config.stash[SETTINGS_KEY] = dataclasses.replace(
        config.stash[SETTINGS_KEY], kubeconfig=target.kubeconfig, context=target.context
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
