"""Verdicts: what a check concluded, as data that can be rendered in any language."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from .catalog import render


class State(enum.Enum):
    """How a check ended, and whether waiting could still change it."""

    PASS = "pass"
    FAIL = "fail"  # terminal: waiting cannot help
    PENDING = "pending"  # something is still starting; worth re-reading within --lab-wait


@dataclass(frozen=True)
class Subject:
    """Pods a verdict is about, so a failure report can show their status, events and logs."""

    namespace: str
    selector: Mapping[str, str] | None = None  # matchLabels of the pods; None = all in namespace


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check: a state plus a catalog key and its parameters."""

    state: State
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    details: tuple[str, ...] = ()  # extra lines for the report, e.g. a table
    subjects: tuple[Subject, ...] = ()  # what diagnostics should look at when it fails

    @property
    def ok(self) -> bool:
        return self.state is State.PASS

    def render(self, lang: str) -> str:
        return render(self.key, lang, **self.params)


def passed(key: str, **params: Any) -> Verdict:
    return Verdict(State.PASS, key, params)


def failed(key: str, **params: Any) -> Verdict:
    return Verdict(State.FAIL, key, params)


def pending(key: str, **params: Any) -> Verdict:
    return Verdict(State.PENDING, key, params)


def about(verdict: Verdict, *subjects: Subject) -> Verdict:
    """Attach the pods a verdict concerns (used for diagnostics of failures)."""
    return replace(verdict, subjects=verdict.subjects + subjects)


def with_details(verdict: Verdict, lines: tuple[str, ...]) -> Verdict:
    """Attach extra lines (e.g. a table) that the report shows beside the message."""
    return replace(verdict, details=verdict.details + lines)


def first_problem(*verdicts: Verdict) -> Verdict | None:
    """Return the first verdict that is not a pass (terminal failures before pending ones)."""
    for wanted in (State.FAIL, State.PENDING):
        for verdict in verdicts:
            if verdict.state is wanted:
                return verdict
    return None


class CheckpointFailed(pytest.fail.Exception):  # type: ignore[name-defined,misc]
    """Raised when the student's cluster does not meet a checkpoint.

    It subclasses pytest's ``Failed`` so pytest prints only the message, never a
    traceback, and the grade records ``failed`` (a student mistake) rather than
    ``error`` (a fault in the grader).
    """

    def __init__(self, message: str, verdict: Verdict, cause: str | None = None) -> None:
        super().__init__(msg=message, pytrace=False)
        self.verdict = verdict
        self.cause = cause  # id of the failed checkpoint that probably explains this one
