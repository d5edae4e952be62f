"""State that lives as long as one pytest run: the redactor, lab messages, specs, scenario folders.

Such state used to be process-wide. A pytest run started inside another one in the
same process (``pytester.runpytest()``, the self-tests' way to run a lab cheaply)
then saw the Secret values, message keys and parsed ``lab.yaml`` files of every
earlier run, and a lab folder reused with a changed ``lab.yaml`` kept its old spec.

Each run opens a scope at ``pytest_configure`` and closes it after its last
``pytest_unconfigure`` hook (``config.add_cleanup``); a :class:`SessionState`
gives every module its own object in the innermost open scope, created on first use.
Code outside any pytest run (``kubelab-class``) shares one process-wide bottom scope.
The scope is also reachable as ``config.stash[SCOPE_KEY]`` (:mod:`pytest_kubelab.session`).

This module imports nothing heavy: the entry point loads it in every pytest run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar, cast

import pytest

from .session import SCOPE_KEY

T = TypeVar("T")


class Scope:
    """The per-run objects of the :class:`SessionState` declarations, created on first use."""

    def __init__(self) -> None:
        self._objects: dict[SessionState[object], object] = {}
        self._lock = threading.Lock()  # checkpoint threads may ask first at the same time

    def get(self, state: SessionState[T], factory: Callable[[], T]) -> T:
        key = cast("SessionState[object]", state)
        with self._lock:
            if key not in self._objects:
                self._objects[key] = factory()
            return cast(T, self._objects[key])


# Innermost last. The bottom scope serves code that runs outside any pytest run.
_scopes: list[Scope] = [Scope()]


class SessionState(Generic[T]):
    """One module's per-run object: ``STATE = SessionState(Redactor)``, then ``STATE.get()``."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory

    def get(self) -> T:
        """This run's object (the innermost open run's, when runs are nested)."""
        return _scopes[-1].get(self, self._factory)


def open_scope(config: pytest.Config) -> Scope:
    """Give the run of ``config`` fresh per-run state until its configuration is torn down."""
    if SCOPE_KEY in config.stash:
        return config.stash[SCOPE_KEY]
    scope = Scope()
    _scopes.append(scope)
    config.stash[SCOPE_KEY] = scope
    # Cleanups run after every pytest_unconfigure hook: the last grade file write and
    # report hooks still redact with this run's secrets.
    config.add_cleanup(lambda: _close(scope))
    return scope


def _close(scope: Scope) -> None:
    # With the scopes of nested runs that never closed (a run torn down half-way): the
    # outer run must not go on with an inner run's state.
    for index in range(len(_scopes) - 1, 0, -1):
        if _scopes[index] is scope:
            del _scopes[index:]
            return
