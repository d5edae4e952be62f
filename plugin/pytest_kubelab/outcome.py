"""A checkpoint test's one :class:`~pytest_kubelab.grading.Outcome`, made from its report.

Called once per test report by the grading makereport hook
(:func:`pytest_kubelab.labrun.record`). Everything the outcome says is gathered
here, where the test's ``lab`` fixture (its last verdict and the cluster reader)
is still at hand: the verdict, the message in the run's language, the likely
cause or the need that blocked it, the diagnostics of a failure and the time it
took. Every text is masked by :mod:`pytest_kubelab.redact` before it leaves.
"""

from __future__ import annotations

import inspect
from typing import Any

import pytest

from . import diagnostics
from .assertions import assertion_message, is_assertion_failure
from .catalog import render
from .causes import first_sentence, summary_of
from .description import parse
from .grading import GradeBook, Outcome
from .lab import Lab
from .redact import redact
from .session import CHECKPOINT_KEY, SPEC_KEY
from .verdict import CheckpointFailed, State, Verdict


def description_of(item: pytest.Item, lang: str) -> str:
    """What the checkpoint test's docstring says it asserts, in ``lang``, on one line.

    The ``ko:`` paragraph in Korean (else the first paragraph), the first paragraph in
    English; "" without a docstring. :mod:`pytest_kubelab.description` reads it, as it
    does for the generated checkpoint pages (``python -m pytest_kubelab.specdoc``).
    """
    doc = inspect.getdoc(getattr(item, "obj", None)) if isinstance(item, pytest.Function) else None
    return parse(doc).in_language(lang)


def outcome_of(
    item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport, book: GradeBook
) -> Outcome | None:
    """What this report of a checkpoint test decides; ``None`` when it decides nothing
    (a passed setup or teardown)."""
    checkpoint = item.stash[CHECKPOINT_KEY]
    lang = book.lang
    verdict = _last_verdict(item)
    common: dict[str, Any] = {
        "nodeid": item.nodeid,
        "checkpoint": checkpoint,
        "lab_yaml": item.stash[SPEC_KEY].path,
        "verdict": verdict.key if verdict else None,
        "timed_out": _timed_out(verdict),
        "duration": report.duration,
        "description": description_of(item, lang),
    }
    if report.when == "call" and report.passed:
        message = redact(verdict.render(lang)) if verdict else ""
        return Outcome(outcome="passed", message=message, details=_details(verdict), **common)
    if report.skipped and report.when in ("setup", "call"):
        # A setup skip of a checkpoint with an unmet need is the plugin's "blocked by" skip
        # (pytest_runtest_setup raises it before any fixture could skip).
        blocker = book.unmet_need(checkpoint) if report.when == "setup" else None
        reason = redact(_skip_reason(report))
        return Outcome(outcome="skipped", message=reason, blocked_by=blocker, **common)
    if not report.failed or call.excinfo is None:
        return None
    error = call.excinfo.value
    if isinstance(error, CheckpointFailed):
        found = diagnostics.for_failure(item, error.verdict, lang)
        common["verdict"] = error.verdict.key
        return Outcome(
            outcome="failed",
            message=redact(str(error.msg)),
            details=_details(error.verdict),
            cause=error.cause,
            summary=redact(summary_of(error.verdict, lang)),
            diagnostics=found.pairs() if found is not None else (),
            **common,
        )
    if is_assertion_failure(error):
        # An instructor's plain assert: the student's failure, with the author's words.
        message = redact(assertion_message(error))
        return Outcome(outcome="failed", message=message, summary=first_sentence(message), **common)
    text = redact(f"{call.excinfo.typename}: {error}")
    return Outcome(outcome="error", message=render("grader.error", lang, error=text), **common)


def _last_verdict(item: pytest.Item) -> Verdict | None:
    lab = (getattr(item, "funcargs", None) or {}).get("lab")
    return lab.verdict if isinstance(lab, Lab) else None


def _timed_out(verdict: Verdict | None) -> bool:
    # A pending verdict that ran out of --lab-wait becomes FAIL and records how long it waited.
    return verdict is not None and verdict.state is State.FAIL and "waited" in verdict.params


def _details(verdict: Verdict | None) -> tuple[str, ...]:
    return tuple(redact(line) for line in verdict.details) if verdict else ()


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")
