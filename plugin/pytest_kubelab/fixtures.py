"""Fixtures of pytest-kubelab; ``pytest --fixtures`` shows these docstrings to users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import timebox
from .cluster import SNAPSHOT, ClusterReader
from .kubeapi import KubeApi
from .kubeconfig import Issue, KubeconfigProblem, Target, resolve
from .lab import ClusterAccess, Lab
from .options import LabSettings
from .probes import NodePorts
from .redact import REDACTOR
from .session import CHECKPOINT_KEY, NODEPORT_MAP_KEY, SETTINGS_KEY, SPEC_KEY
from .verdict import CheckpointFailed, failed
from .waiting import Deadline


class KubeconfigUnusable(CheckpointFailed, Exception):
    """The kubeconfig cannot be used; the checkpoint fails with what is wrong with which file.

    Waiting cannot fix a broken file, so this ends the checkpoint at once (it is not
    retried like an unreachable server).
    """

    def __init__(self, target: Target, issue: Issue, lang: str) -> None:
        verdict = failed("kubeconfig.unusable", file=target.kubeconfig, problem=issue.render(lang))
        super().__init__(issue.sentence(target.kubeconfig, lang), verdict)


class BrokenKubeconfigAccess(ClusterAccess):
    """Cluster access for a kubeconfig that cannot be used: every read fails with the reason."""

    def __init__(self, target: Target, issue: Issue, lang: str) -> None:
        super().__init__(target, None)
        self.issue = issue
        self.lang = lang

    def require_reader(self) -> ClusterReader:
        raise KubeconfigUnusable(self.target, self.issue, self.lang)


@pytest.fixture(scope="session")
def lab_settings(pytestconfig: pytest.Config) -> LabSettings:
    """The validated kubelab settings of this run.

    Values come from the command line, then the ``KUBELAB_*`` environment
    variables, then the ini file, then the defaults (see ``pytest --help``).
    With ``--lab-sim`` they point at the simulated cluster started for the run.
    """
    return pytestconfig.stash[SETTINGS_KEY]


@pytest.fixture(scope="session")
def lab_access(lab_settings: LabSettings, lab_deadline: Deadline) -> Iterator[ClusterAccess]:
    """Read-only access to the graded cluster, shared by the whole session.

    Built from the explicit kubeconfig path (``--kubeconfig``, else the first
    path of ``$KUBECONFIG``, else ``~/.kube/config``) and context
    (``--kube-context``, else the kubeconfig's current context). Nothing is
    contacted until a check reads. When the kubeconfig is missing or broken
    (not YAML, not UTF-8, wrongly shaped, a credential plugin that fails or
    hangs), the access carries the reason and ``cluster-reachable`` reports
    which file is wrong and how.
    """
    target = resolve(lab_settings.kubeconfig, lab_settings.context)
    REDACTOR.remember_kubeconfig(lab_settings.kubeconfig)
    reader = None
    issue = target.issue
    if target.problem is None:
        try:
            reader = ClusterReader(KubeApi(lab_settings.kubeconfig, target.context))
        except KubeconfigProblem as exc:  # the kubernetes client rejects the kubeconfig
            issue = exc.issue
            target = Target(target.kubeconfig, target.context, target.server, "unreadable", issue)
    access: ClusterAccess
    if reader is None and issue is not None and target.kubeconfig is not None:
        access = BrokenKubeconfigAccess(target, issue, lab_settings.lang)
    else:
        access = ClusterAccess(target, reader)
    if reader is not None:
        reader.prefetch(SNAPSHOT)  # parallel LISTs; failures surface in the checks that read
    yield access
    if reader is not None:
        reader.api.close()


@pytest.fixture(scope="session")
def lab_deadline(lab_settings: LabSettings) -> Deadline:
    """The run-wide time budget (``--lab-deadline``, default 900 s).

    Once it has passed, checkpoints stop waiting and report what they see, and no
    new request to the cluster or a NodePort starts (see :mod:`pytest_kubelab.timebox`).
    """
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
