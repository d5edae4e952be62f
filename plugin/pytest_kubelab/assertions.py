"""Plain ``assert`` and ``pytest.fail`` in a checkpoint test: a failed checkpoint, not a bug.

Instructors write checkpoints the pytest way (``assert replicas == 2, "web needs 2
replicas"``). Such a failure is the student's, so it is graded as a failed checkpoint
whose message is the assertion's own message; only other exceptions are grader errors.
"""

from __future__ import annotations

import pytest

# pytest's assertion rewriting appends its explanation ("assert 1 == 2 …") after the
# author's message on a new line.
_REWRITTEN = "\nassert "


def is_assertion_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a failed ``assert`` or an explicit ``pytest.fail``."""
    return isinstance(exc, (AssertionError, pytest.fail.Exception))


def assertion_message(exc: BaseException) -> str:
    """The author's message of a failed assertion, or pytest's explanation when it has none.

    ``assert n == 2, "two replicas"`` gives "two replicas"; a bare ``assert n == 2``
    gives "assert 1 == 2" (rewritten tests) or "AssertionError" (modules pytest did
    not rewrite).
    """
    text = str(exc.msg if isinstance(exc, pytest.fail.Exception) else exc).strip()
    if text.startswith("assert "):
        return text.splitlines()[0]
    return text.split(_REWRITTEN, 1)[0].strip() or type(exc).__name__
