"""Fixtures of pytest-kubelab; ``pytest --fixtures`` shows these docstrings to users.

This module is imported by the plugin's entry point in every pytest run, so it
imports nothing heavy itself: each fixture loads what it needs when a lab test
first asks for it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest

from .session import BUILD_KEY, CHECKPOINT_KEY, NODEPORT_MAP_KEY, SETTINGS_KEY, SPEC_KEY

if TYPE_CHECKING:
    from .lab import ClusterAccess, Lab
    from .options import LabSettings
    from .provision.built import BuiltInstallation, BuiltStep
    from .waiting import Deadline


@pytest.fixture(scope="session")
def lab_settings(pytestconfig: pytest.Config) -> LabSettings:
    """The validated kubelab settings of this run.

    Values come from the command line, then the ``KUBELAB_*`` environment
    variables, then the ini file, then the defaults (see ``pytest --help``).
    With ``--lab-sim`` they point at the simulated cluster started for the run; with
    ``--lab-provision`` at the kind cluster the run built (created here, when the first
    checkpoint needs it).
    """
    build = pytestconfig.stash.get(BUILD_KEY, None)
    if build is not None:
        build.cluster()
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def lab_access(lab_settings: LabSettings, lab_deadline: Deadline) -> Iterator[ClusterAccess]:
    """Read-only access to the graded cluster, shared by the whole session.

    Built from the explicit kubeconfig path (``--kubeconfig``, else the first
    path of ``$KUBECONFIG``, else ``~/.kube/config``) and context
    (``--kube-context``, else the kubeconfig's current context). When the
    kubeconfig is missing or broken (not YAML, not UTF-8, wrongly shaped, a
    credential plugin that fails or hangs), the access carries the reason and
    ``cluster-reachable`` reports which file is wrong and how. Otherwise the
    cluster-wide lists most checkpoints read are fetched at once, in parallel.
    """
    from .access import open_access

    access = open_access(lab_settings)
    # What exists now (pytest, its plugins, the kubernetes client, the lab's spec) lives
    # until the process exits: frozen, it is no longer walked by every later garbage
    # collection, among them the full ones pytest runs at exit (0.1-0.2 s each).
    gc.freeze()
    yield access
    if access.reader is not None:
        access.reader.api.close()


@pytest.fixture(scope="session")
def lab_deadline(lab_settings: LabSettings) -> Deadline:
    """The run-wide time budget (``--lab-deadline``, default 900 s).

    Once it has passed, checkpoints stop waiting and report what they see, and no
    new request to the cluster or a NodePort starts (see :mod:`pytest_kubelab.timebox`).
    """
    from . import timebox
    from .waiting import Deadline

    deadline = Deadline.after(lab_settings.deadline)
    timebox.start_run(deadline.at, lab_settings.lang)
    return deadline


@pytest.fixture
def lab(
    request: pytest.FixtureRequest,
    lab_settings: LabSettings,
    lab_access: ClusterAccess,
    lab_deadline: Deadline,
) -> Lab:
    """The current checkpoint's view of the lab: cluster, expected values and ``require``.

    Use it in a test marked ``@pytest.mark.checkpoint("<id>")``::

        @pytest.mark.checkpoint("obs.1.nodes")
        def test_nodes(lab):
            lab.require(cluster.node_roles)

    ``lab.require(check)`` waits up to ``--lab-wait`` seconds while the cluster
    is still converging, returns at once when waiting cannot help, and fails
    the test with a message in ``--lab-lang`` that says what was expected, what
    was seen and what to do next.
    """
    from .lab import Lab
    from .probes import NodePorts

    item = request.node
    if CHECKPOINT_KEY not in item.stash:
        raise pytest.UsageError(
            f"{item.nodeid}: the lab fixture needs @pytest.mark.checkpoint(<id>) on the test"
        )
    build = request.config.stash.get(BUILD_KEY, None)
    if build is not None:
        # A test that requests none of its lab's installations (a lab folder without build
        # fixtures) still gets its checkpoint's steps built.
        lab_name, step = item.stash[SPEC_KEY].name, item.stash[CHECKPOINT_KEY].step
        build.for_checkpoint(lab_name, step, request.fixturenames)
        build.graded_any = True
        if build.take_changed() and lab_access.reader is not None:
            from .kube.reader import SNAPSHOT

            lab_access.reader.refresh()  # read what the build just installed
            lab_access.reader.prefetch(SNAPSHOT)
    return Lab(
        spec=item.stash[SPEC_KEY],
        checkpoint=item.stash[CHECKPOINT_KEY],
        settings=lab_settings,
        access=lab_access,
        nodeports=NodePorts(
            lab_settings.node_address,
            _nodeport_map(request.config),
            {node_port: (host, port) for node_port, host, port in lab_settings.nodeport_map},
        ),
        deadline=lab_deadline,
        node=item,
    )


@pytest.fixture
def lab_install(request: pytest.FixtureRequest) -> Callable[[str], BuiltInstallation]:
    """Build fixtures are made of this: ``lab_install(name)`` is one installation of the lab.

    An installation is a Helm release or an applied manifest of the lab's
    ``provision.yaml`` (the reference solution), named there by its ``fixture:`` key, or
    the kind cluster (``cluster: {fixture: ...}``). A lab folder's ``conftest.py`` gives
    each one a build fixture of that name, and each checkpoint test requests the ones its
    assertion reads::

        @pytest.fixture
        def jaeger_query_nodeport(lab_install):
            \"\"\"Step 4: the NodePort Service of Jaeger's query UI.\"\"\"
            return lab_install("jaeger_query_nodeport")

    With ``--lab-provision`` the first request in the session builds everything before
    the installation in the recipe that is not built yet (the cluster, earlier steps,
    earlier installations of its step), then the installation and the actions that
    finish it (``container_arg``, ``ready``); later requests return at once. A name the
    recipe does not have stops the run with a usage error listing the names it has. In
    grade mode it runs nothing, does not read ``provision.yaml``, and only names the
    installation.
    """
    from .provision.built import BuiltInstallation

    lab_name = _lab_of(request, "lab_install")
    build = request.config.stash.get(BUILD_KEY, None)

    def install(fixture: str) -> BuiltInstallation:
        if build is None:
            return BuiltInstallation(lab_name, fixture, None, built=False)
        return build.install(lab_name, fixture)

    return install


@pytest.fixture
def lab_step(request: pytest.FixtureRequest) -> Callable[[int], BuiltStep]:
    """``lab_step(n)`` is step ``n`` of the current test's lab, built whole.

    With ``--lab-provision`` it builds steps 1..n of the lab's ``provision.yaml`` (the
    reference solution) the first time a test of this session asks, and returns at once
    after that; in grade mode it runs nothing and only names the step. It shares its
    progress with ``lab_install``: what one built, the other does not build again, and
    a step with nothing to install is reached this way too. Prefer ``lab_install`` for
    build fixtures, so that a test builds only what it reads.
    """
    from .provision.built import BuiltStep

    lab_name = _lab_of(request, "lab_step")
    build = request.config.stash.get(BUILD_KEY, None)

    def step(number: int) -> BuiltStep:
        if build is None:
            return BuiltStep(lab_name, number, "", built=False)
        return build.up_to(lab_name, number)

    return step


def _lab_of(request: pytest.FixtureRequest, fixture: str) -> str:
    """The lab of the test that requested a build fixture."""
    item = request.node
    if SPEC_KEY not in item.stash:
        raise pytest.UsageError(f"{item.nodeid}: {fixture} is for the tests of a lab folder")
    name: str = item.stash[SPEC_KEY].name
    return name


def _nodeport_map(config: pytest.Config) -> dict[int, int]:
    """NodePort → local port map of the simulated cluster; empty for real clusters."""
    return config.stash.get(NODEPORT_MAP_KEY, None) or {}
