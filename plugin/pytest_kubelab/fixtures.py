"""Fixtures of pytest-kubelab; ``pytest --fixtures`` shows these docstrings to users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .cluster import SNAPSHOT, ClusterReader
from .kubeapi import KubeApi
from .kubeconfig import resolve
from .lab import ClusterAccess, Lab
from .options import LabSettings
from .probes import NodePorts
from .redact import REDACTOR
from .session import CHECKPOINT_KEY, NODEPORT_MAP_KEY, SETTINGS_KEY, SPEC_KEY
from .waiting import Deadline


@pytest.fixture(scope="session")
def lab_settings(pytestconfig: pytest.Config) -> LabSettings:
    """The validated kubelab settings of this run.

    Values come from the command line, then the ``KUBELAB_*`` environment
    variables, then the ini file, then the defaults (see ``pytest --help``).
    With ``--lab-sim`` they point at the simulated cluster started for the run.
    """
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def lab_access(lab_settings: LabSettings) -> Iterator[ClusterAccess]:
    """Read-only access to the graded cluster, shared by the whole session.

    Built from the explicit kubeconfig path (``--kubeconfig``, else the first
    path of ``$KUBECONFIG``, else ``~/.kube/config``) and context
    (``--kube-context``, else the kubeconfig's current context). Nothing is
    contacted until a check reads. When the kubeconfig is missing or broken,
    the access carries the reason and ``cluster-reachable`` reports it.
    """
    target = resolve(lab_settings.kubeconfig, lab_settings.context)
    REDACTOR.remember_kubeconfig(lab_settings.kubeconfig)
    reader = None
    if target.problem is None:
        try:
            reader = ClusterReader(KubeApi(lab_settings.kubeconfig, target.context))
        except Exception:  # the kubernetes client rejects the kubeconfig
            target = type(target)(target.kubeconfig, target.context, target.server, "unreadable")
    access = ClusterAccess(target, reader)
    if reader is not None:
        reader.prefetch(SNAPSHOT)  # parallel LISTs; failures surface in the checks that read
    yield access
    if reader is not None:
        reader.api.close()


@pytest.fixture(scope="session")
def lab_deadline(lab_settings: LabSettings) -> Deadline:
    """The run-wide time budget (``--lab-deadline``, default 900 s).

    Once it has passed, checkpoints stop waiting and report what they see.
    """
    return Deadline.after(lab_settings.deadline)


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
    item = request.node
    if CHECKPOINT_KEY not in item.stash:
        raise pytest.UsageError(
            f"{item.nodeid}: the lab fixture needs @pytest.mark.checkpoint(<id>) on the test"
        )
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


def _nodeport_map(config: pytest.Config) -> dict[int, int]:
    """NodePort → local port map of the simulated cluster; empty for real clusters."""
    return config.stash.get(NODEPORT_MAP_KEY, None) or {}
