"""Opening the session's read-only way into the cluster (what the ``lab_access`` fixture returns).

Kept apart from :mod:`pytest_kubelab.fixtures` so that registering the fixtures costs
nothing: the kubernetes client, the transport and the readers are imported only when
a checkpoint first asks for the cluster.
"""

from __future__ import annotations

from .kube.kubeconfig import Issue, KubeconfigProblem, Target, resolve
from .kube.reader import SNAPSHOT, ClusterReader
from .kube.transport import KubeApi
from .lab import ClusterAccess
from .options import LabSettings
from .redact import REDACTOR
from .verdict import CheckpointFailed, failed


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


def open_access(settings: LabSettings) -> ClusterAccess:
    """Resolve the kubeconfig, build the transport and start the session snapshot.

    Never raises for a bad kubeconfig: the access then carries the reason, and
    ``cluster-reachable`` reports which file is wrong and how.
    """
    target = resolve(settings.kubeconfig, settings.context)
    REDACTOR.remember_kubeconfig(settings.kubeconfig)
    reader = None
    issue = target.issue
    if target.problem is None:
        try:
            reader = ClusterReader(KubeApi(settings.kubeconfig, target.context))
        except KubeconfigProblem as exc:  # the kubernetes client rejects the kubeconfig
            issue = exc.issue
            target = Target(target.kubeconfig, target.context, target.server, "unreadable", issue)
    if reader is None and issue is not None and target.kubeconfig is not None:
        return BrokenKubeconfigAccess(target, issue, settings.lang)
    if reader is not None:
        reader.prefetch(SNAPSHOT)  # parallel LISTs; failures surface in the checks that read
    return ClusterAccess(target, reader)
