"""Read pod status the way an experienced operator does: what is wrong, and can it heal?

``Waiting.reason`` flips between ``CrashLoopBackOff`` and ``Error`` between restarts,
so restart counts and scheduling conditions are used as the durable evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..catalog import Phrase, phrase
from .reader import name_of

# Waiting cannot fix these: the pod spec itself must change.
FATAL_WAITING_REASONS = frozenset(
    {
        "ImagePullBackOff",
        "ErrImagePull",
        "InvalidImageName",
        "CreateContainerConfigError",
        "CreateContainerError",
        "ErrImageNeverPull",
    }
)
CRASHLOOP_FATAL_RESTARTS = 3


@dataclass(frozen=True)
class PodProblem:
    """Why a pod is not ready: ``reason`` as kubectl shows it, plus whether it is terminal.

    ``containers`` is (ready, all) for a Running pod whose containers are not all
    Ready, so the reason can be said in words rather than as ``Running 1/2 Ready``.
    """

    pod: str
    reason: str
    restarts: int
    terminal: bool
    message: str = ""
    containers: tuple[int, int] | None = None

    def phrase(self) -> Phrase:
        """``web-7d4b9c-x7k2m CrashLoopBackOff, 6 restarts``, in the message's language."""
        reason: str | Phrase = self.reason
        if self.containers is not None:
            ready, total = self.containers
            reason = phrase("pod.running_not_ready", ready=ready, total=total)
        if self.restarts:
            return phrase(
                "pod.problem_restarts", pod=self.pod, reason=reason, restarts=self.restarts
            )
        return phrase("pod.problem", pod=self.pod, reason=reason)

    def describe(self, lang: str = "en") -> str:
        return self.phrase().render(lang)


def _entries(value: Any) -> list[dict[str, Any]]:
    # Lists from the API hold objects; skip anything else (a null entry) instead of crashing.
    return [entry for entry in value or [] if isinstance(entry, dict)]


def _containers(pod: Mapping[str, Any]) -> list[dict[str, Any]]:
    status = pod.get("status") or {}
    return _entries(status.get("initContainerStatuses")) + _entries(status.get("containerStatuses"))


def _condition(obj: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
    for condition in _entries((obj.get("status") or {}).get("conditions")):
        if condition.get("type") == kind:
            return dict(condition)
    return None


def is_ready(pod: Mapping[str, Any]) -> bool:
    """A pod counts when it runs and its Ready condition is True."""
    if (pod.get("status") or {}).get("phase") != "Running":
        return False
    ready = _condition(pod, "Ready")
    return bool(ready and ready.get("status") == "True")


def ready_counts(pod: Mapping[str, Any]) -> tuple[int, int]:
    """(ready containers, all containers), the READY column of ``kubectl get pods``."""
    statuses = _entries((pod.get("status") or {}).get("containerStatuses"))
    total = len((pod.get("spec") or {}).get("containers") or []) or len(statuses)
    return sum(1 for s in statuses if s.get("ready")), total


def restarts(pod: Mapping[str, Any]) -> int:
    return sum(int(s.get("restartCount") or 0) for s in _containers(pod))


def problem(pod: Mapping[str, Any], events: Sequence[Mapping[str, Any]] = ()) -> PodProblem | None:
    """Diagnose a pod that is not ready; ``None`` when it is ready."""
    if is_ready(pod):
        return None
    name = name_of(pod)
    status = pod.get("status") or {}
    for container in _containers(pod):
        state = container.get("state") or {}
        count = int(container.get("restartCount") or 0)
        waiting = state.get("waiting") or {}
        reason = str(waiting.get("reason") or "")
        if reason in FATAL_WAITING_REASONS:
            return PodProblem(name, reason, count, True, str(waiting.get("message") or ""))
        if reason == "CrashLoopBackOff" or (count and state.get("terminated")):
            shown = reason or str((state.get("terminated") or {}).get("reason") or "Error")
            return PodProblem(name, shown, count, count >= CRASHLOOP_FATAL_RESTARTS)
    if status.get("phase") == "Pending":
        return _pending_problem(pod, events)
    if status.get("phase") in ("Failed", "Succeeded"):
        return PodProblem(name, str(status.get("reason") or status.get("phase")), 0, True)
    ready, total = ready_counts(pod)
    return PodProblem(
        name, f"Running {ready}/{total} Ready", restarts(pod), False, containers=(ready, total)
    )


def _pending_problem(pod: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> PodProblem:
    name = name_of(pod)
    scheduled = _condition(pod, "PodScheduled")
    if scheduled and scheduled.get("status") == "False":
        message = str(scheduled.get("message") or "")
        return PodProblem(name, "FailedScheduling", 0, True, message)
    for event in events:
        involved = (event.get("involvedObject") or {}).get("name")
        if involved == name and event.get("reason") == "FailedScheduling":
            return PodProblem(name, "FailedScheduling", 0, True, str(event.get("message") or ""))
    waiting = [
        str(((c.get("state") or {}).get("waiting") or {}).get("reason") or "")
        for c in _containers(pod)
    ]
    return PodProblem(name, next((w for w in waiting if w), "Pending"), 0, False)


def worst(problems: Iterable[PodProblem]) -> list[PodProblem]:
    """Terminal problems first, so the message leads with what waiting cannot fix."""
    return sorted(problems, key=lambda p: (not p.terminal, p.pod))
