"""The wait primitive: passes early, stops at once on terminal states, reports the last state."""

from __future__ import annotations

import time

from pytest_kubelab.verdict import State, Verdict, failed, passed, pending
from pytest_kubelab.waiting import Deadline, settle


def _sequence(*verdicts: Verdict):  # type: ignore[no-untyped-def]
    remaining = list(verdicts)
    refreshed: list[int] = []

    def check() -> Verdict:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return check, (lambda: refreshed.append(1)), refreshed


def test_pending_then_pass_refreshes_between_looks() -> None:
    check, refresh, refreshed = _sequence(pending("a"), pending("a"), passed("b"))
    verdict = settle(check, budget=10, refresh=refresh)
    assert verdict.ok
    assert len(refreshed) == 2


def test_terminal_failure_returns_at_once() -> None:
    check, refresh, refreshed = _sequence(failed("boom"))
    started = time.monotonic()
    verdict = settle(check, budget=60, refresh=refresh)
    assert time.monotonic() - started < 0.5
    assert verdict.state is State.FAIL
    assert not refreshed


def test_timeout_reports_the_last_state_and_how_long() -> None:
    check, refresh, _ = _sequence(pending("first"), pending("last", ready=1))
    started = time.monotonic()
    verdict = settle(check, budget=1.2, refresh=refresh)
    assert 1.0 <= time.monotonic() - started < 3
    assert verdict.state is State.FAIL
    assert verdict.key == "last"
    assert verdict.params["ready"] == 1
    assert verdict.params["waited"] >= 1


def test_zero_wait_means_one_look() -> None:
    check, refresh, refreshed = _sequence(pending("a"), passed("b"))
    verdict = settle(check, budget=0, refresh=refresh)
    assert verdict.state is State.FAIL
    assert not refreshed


def test_an_expired_run_deadline_stops_waiting() -> None:
    check, refresh, _ = _sequence(pending("a"), passed("b"))
    started = time.monotonic()
    verdict = settle(check, budget=60, refresh=refresh, deadline=Deadline.after(0))
    assert time.monotonic() - started < 0.5
    assert verdict.state is State.FAIL
