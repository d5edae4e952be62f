"""Wall-clock limits for everything the grader waits on: API requests, NodePort probes,
credential plugins.

A socket read timeout bounds one ``recv``, not a whole answer: a server that
sends one byte every two seconds never trips it. So every exchange runs in a
worker thread under a total time limit, and the caller stops waiting when the
limit passes, whatever the other side does. The limit of each exchange is also
cut to what is left of the run's ``--lab-deadline`` (plus :data:`GRACE`), and
once the deadline has passed no new exchange starts at all: the checkpoint
fails with "deadline reached" and names what it was waiting for. That is what
makes a whole run end within ``--lab-deadline`` plus a small fixed margin.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .verdict import CheckpointFailed, failed

T = TypeVar("T")

# How long an exchange already under way may run past the deadline before it is cut.
GRACE = 1.0


@dataclass
class _RunClock:
    at: float | None = None  # time.monotonic() of the run deadline; None: no run deadline
    lang: str = "ko"


_CLOCK = _RunClock()


def start_run(at: float | None, lang: str) -> None:
    """Set the run deadline (a ``time.monotonic()`` value) and the language of its message."""
    _CLOCK.at = at
    _CLOCK.lang = lang


def run_lang() -> str:
    """The language of the run's messages (for failures raised deep in the transport)."""
    return _CLOCK.lang


def remaining() -> float | None:
    """Seconds left of the run deadline; ``None`` when no run deadline is set."""
    if _CLOCK.at is None:
        return None
    return max(0.0, _CLOCK.at - time.monotonic())


class DeadlineReached(CheckpointFailed, Exception):
    """The run's ``--lab-deadline`` passed before ``what`` was answered.

    It is a checkpoint failure (the test fails with this message, never a grader
    error) and also an ``Exception``, so code that collects optional extras with
    ``except Exception`` (diagnostics, prefetch) keeps working after the deadline.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        verdict = failed("deadline.reached", what=what)
        super().__init__(verdict.render(_CLOCK.lang), verdict)


class TimedOut(Exception):
    """An exchange did not finish within its total time limit."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"no complete answer within {seconds:g} s")
        self.seconds = seconds


def budget(limit: float, what: str) -> float:
    """The time ``what`` may take: ``limit``, cut to the run deadline plus :data:`GRACE`.

    Raises :class:`DeadlineReached` when the run deadline has already passed.
    """
    left = remaining()
    if left is None:
        return limit
    if left <= 0:
        raise DeadlineReached(what)
    return min(limit, left + GRACE)


def run_within(
    seconds: float,
    work: Callable[[], T],
    *,
    on_timeout: Callable[[], Any] | None = None,
) -> T:
    """Run ``work()`` and return its result, or raise :class:`TimedOut` after ``seconds``.

    ``work`` runs in a daemon thread, so a peer that never finishes cannot keep the
    process alive. ``on_timeout`` is called when the limit passes (e.g. to shut the
    socket down so the abandoned thread ends too); its own errors are ignored.
    """
    done = threading.Event()
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller's thread as is
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=target, name="kubelab-exchange", daemon=True).start()
    if not done.wait(seconds):
        if on_timeout is not None:
            # Best effort: the caller has stopped waiting either way.
            with contextlib.suppress(Exception):
                on_timeout()
        raise TimedOut(seconds)
    if "error" in outcome:
        raise outcome["error"]
    value: T = outcome["value"]
    return value


def read_body(raw: Any, *, limit: float, stop_at: float, max_bytes: int) -> tuple[bytes, bool]:
    """Read a streamed urllib3 response until EOF, ``stop_at`` or ``max_bytes``.

    Returns the bytes and whether the body was cut short. ``read1`` returns after a
    single socket read, so a trickling body is noticed between bytes instead of
    after a whole buffer fills.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() >= stop_at:
            raise TimedOut(limit)
        chunk = raw.read1(65536) if hasattr(raw, "read1") else raw.read(65536)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        size += len(chunk)
        if size >= max_bytes:
            return b"".join(chunks)[:max_bytes], True


def describe_what(method: str, target: str) -> str:
    """A short "GET <target>" for messages (the query string is left out: it can be long)."""
    return f"{method} {target.split('?', 1)[0]}"
