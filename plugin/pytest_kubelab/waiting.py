"""The one wait primitive: re-check until done, terminal, or out of time.

A check returns a :class:`~pytest_kubelab.verdict.Verdict`. ``PENDING`` means
"still starting, worth another look"; ``FAIL`` means waiting cannot help
(ImagePullBackOff, a release that was never installed, ...), so the wait ends
at once. On timeout the last observed verdict is returned, so the student sees
what the cluster looked like, not a bare "timed out".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import tenacity

from .timebox import DeadlineReached
from .verdict import State, Verdict

POLL_MIN = 0.5
POLL_MAX = 5.0


@dataclass
class Deadline:
    """A wall-clock run-wide budget (``--lab-deadline``), shared by all checkpoints."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())


def _poll_within(budget: float) -> Callable[[tenacity.RetryCallState], float]:
    backoff = tenacity.wait_exponential(multiplier=POLL_MIN, min=POLL_MIN, max=POLL_MAX)

    def wait(state: tenacity.RetryCallState) -> float:
        # Never sleep past the budget: the last look happens right at its end.
        left = budget - (state.seconds_since_start or 0.0)
        return max(0.0, min(backoff(state), left))

    return wait


def settle(
    check: Callable[[], Verdict],
    *,
    budget: float,
    refresh: Callable[[], None],
    deadline: Deadline | None = None,
) -> Verdict:
    """Run ``check`` until it passes or fails for good, for at most ``budget`` seconds.

    ``refresh`` is called before every re-check so it sees fresh cluster state.
    A verdict still ``PENDING`` at the end becomes a failure that says how long
    it waited. When the run deadline stops a re-check (no request may start after
    it), the verdict of the previous look is the answer: it is what the cluster
    showed last, which says more than "deadline reached".
    """
    if deadline is not None:
        budget = min(budget, deadline.remaining())
    started = time.monotonic()
    seen: list[Verdict] = []
    cut = False

    def look() -> Verdict:
        nonlocal cut
        try:
            verdict = check()
        except DeadlineReached:
            if not seen:
                raise  # nothing was judged at all: the checkpoint fails with "deadline reached"
            cut = True
            return seen[-1]
        seen.append(verdict)
        return verdict

    def again(state: tenacity.RetryCallState) -> None:
        refresh()

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_result(lambda v: v.state is State.PENDING and not cut),
        stop=tenacity.stop_after_delay(budget),
        wait=_poll_within(budget),
        before_sleep=again,
        retry_error_callback=lambda state: state.outcome.result() if state.outcome else None,
    )
    verdict: Verdict = retrying(look)
    if verdict.state is State.PENDING:
        waited = round(time.monotonic() - started)
        return replace(verdict, state=State.FAIL, params={**verdict.params, "waited": waited})
    return verdict
