"""The ``lab`` object a checkpoint test receives: cluster access plus the lab's data."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from .catalog import phrase, render
from .causes import probably_because
from .kube.kubeconfig import Target
from .kube.reader import ClusterReader
from .kube.transport import ClusterUnreachable, Forbidden, KubeApiError, NotJsonAnswer
from .options import LabSettings
from .probes import NodePorts
from .session import GRADEBOOK_KEY
from .spec import Checkpoint, LabSpec
from .verdict import CheckpointFailed, Verdict, failed
from .waiting import Deadline, settle

Check = Callable[["Lab"], Verdict]


class ClusterAccess:
    """The session's way into the cluster: a reader, or the reason there is none."""

    def __init__(self, target: Target, reader: ClusterReader | None) -> None:
        self.target = target
        self.reader = reader

    def require_reader(self) -> ClusterReader:
        if self.reader is None:
            raise ClusterUnreachable(0, self.target.problem or "no-kubeconfig", "/")
        return self.reader


@dataclass
class Lab:
    """What a checkpoint test works with.

    ``lab.require(check)`` runs a check from :mod:`pytest_kubelab.checks`,
    waits while the cluster is still converging (up to ``--lab-wait``), and
    fails the test with a student-readable message when the checkpoint is not met.
    """

    spec: LabSpec
    checkpoint: Checkpoint
    settings: LabSettings
    access: ClusterAccess
    nodeports: NodePorts
    deadline: Deadline
    node: pytest.Item
    # The last verdict ``require`` reached: the grading makereport hook reads it from here
    # (the fixture, where the cluster reader is) to make the checkpoint's one outcome.
    verdict: Verdict | None = field(default=None, init=False)

    @property
    def expected(self) -> Mapping[str, Any]:
        """The expected names, ports and values from ``lab.yaml``."""
        return self.spec.expected

    @property
    def cluster(self) -> ClusterReader:
        return self.access.require_reader()

    @property
    def target(self) -> Target:
        return self.access.target

    def require(self, check: Check) -> Verdict:
        """Assert that ``check`` passes on the cluster, waiting while it is still pending.

        When one of the checkpoint's likely ``causes`` already failed in this run, a
        pending state fails at once (that earlier failure already had its wait, and
        this one will not recover on its own), and the message names the cause.
        """
        __tracebackhide__ = True
        refresh = self.access.reader.refresh if self.access.reader else (lambda: None)
        cause = self.node.config.stash[GRADEBOOK_KEY].root_cause(self.checkpoint.causes)
        verdict = settle(
            lambda: self._evaluate(check),
            budget=0.0 if cause is not None else self.settings.wait,
            refresh=refresh,
            deadline=self.deadline,
        )
        self.verdict = verdict
        if not verdict.ok:
            message = self.message(verdict)
            if cause is not None:
                message += " " + probably_because(cause, self.settings.lang)
            raise CheckpointFailed(message, verdict, cause.checkpoint.id if cause else None)
        return verdict

    def message(self, verdict: Verdict) -> str:
        """Render a verdict in the run's language, with how long it waited, if it did."""
        text = verdict.render(self.settings.lang)
        if verdict.params.get("waited"):
            text += " " + render("wait.waited", self.settings.lang, **verdict.params)
        return text

    def _evaluate(self, check: Check) -> Verdict:
        try:
            return check(self)
        except ClusterUnreachable as exc:
            return _unreachable(self.target, exc, self.spec.context)
        except Forbidden as exc:
            return failed("api.forbidden", path=exc.path, reason=exc.reason)
        except KubeApiError as exc:
            return failed("api.error", path=exc.path, status=exc.status, reason=exc.reason)
        except NotJsonAnswer as exc:
            # Only a body that is not JSON lands here; KeyError/TypeError stay grader errors,
            # so checks read app answers through pytest_kubelab.readers, which never raise them.
            return failed(
                "answer.malformed",
                status=exc.status,
                content_type=exc.content_type or "-",
                excerpt=exc.excerpt,
            )


def _unreachable(target: Target, exc: ClusterUnreachable, lab_context: str | None) -> Verdict:
    if target.problem == "no-kubeconfig":
        return failed("api.no_kubeconfig")
    if target.problem in ("no-context", "unreadable"):
        return failed(
            "api.bad_kubeconfig",
            kubeconfig=target.kubeconfig,
            context=target.context,
            # The lab's own context (lab.yaml), else a placeholder the student fills in.
            expected_context=lab_context or phrase("context.placeholder"),
        )
    return failed("api.unreachable", server=target.server, reason=exc.reason)
