"""The rounds of ``pytest --lab-watch`` (see :mod:`pytest_kubelab.watch` for the design).

Each round runs the selected checkpoint items with pytest's ``runtestprotocol``
(``log=False``: no reporter sees it), builds the checklist from the round's grade
book and draws it; the last complete round is then reported as the run.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import pytest

from .catalog import render
from .checklist import Checklist, checklist_of
from .grading import GradeBook
from .session import CHECKPOINT_KEY, GRADEBOOK_KEY, SETTINGS_KEY

# ANSI: cursor home, then clear the screen (a terminal redraws the checklist in place).
CLEAR_SCREEN = "\x1b[H\x1b[2J"


@dataclass
class Round:
    """One finished grading round: its grade book, reports and checklist."""

    number: int
    book: GradeBook
    reports: dict[str, list[pytest.TestReport]]  # nodeid -> setup/call/teardown reports
    checklist: Checklist


@dataclass
class Screen:
    """Where the checklist is drawn: redrawn in place on a terminal, else printed on change."""

    out: TextIO
    lang: str
    interval: float
    terminal: bool
    _last_body: list[str] = field(default_factory=list)

    def draw(self, done: Round) -> None:
        body = done.checklist.body(self.lang)
        if not self.terminal and body == self._last_body:
            return  # a log shows each state once
        self._last_body = body
        text = done.checklist.text(
            self.lang,
            clock=time.strftime("%H:%M:%S"),
            round_number=done.number,
            interval=self.interval,
        )
        self.out.write((CLEAR_SCREEN if self.terminal else "\n") + text + "\n")
        self.out.flush()


class WatchLoop:
    """The pytest plugin object that replaces the test loop while ``--lab-watch`` runs."""

    def __init__(self, config: pytest.Config, interval: float, rounds: int | None) -> None:
        self.config = config
        self.interval = interval
        self.rounds = rounds
        self.last: Round | None = None
        self.selected = 0
        self.watched = False

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session: pytest.Session) -> bool | None:
        if session.testsfailed or session.config.option.collectonly:
            return None  # collection errors or --collect-only: pytest's own loop reports them
        items = [item for item in session.items if CHECKPOINT_KEY in item.stash]
        lang = self.config.stash[SETTINGS_KEY].lang
        if not items:
            sys.stdout.write("\n" + render("watch.no_checkpoints", lang) + "\n")
            return None
        self.selected = len(items)
        self.watched = True
        out = sys.stdout
        screen = Screen(out, lang, self.interval, terminal=_is_terminal(out))
        template = self.config.stash[GRADEBOOK_KEY]
        try:
            while True:
                self.last = self._grade_round(items, template)
                screen.draw(self.last)
                if self.last.checklist.all_passed or self.last.number == self.rounds:
                    break
                time.sleep(self.interval)
        except KeyboardInterrupt:
            pass  # Ctrl-C: the last complete round is the answer
        self._report_last_round(session, items, template)
        return True

    def _grade_round(self, items: Sequence[pytest.Item], template: GradeBook) -> Round:
        from _pytest.runner import runtestprotocol

        # A fresh book: what the previous round concluded must not leak into this one.
        book = template.fresh()
        self.config.stash[GRADEBOOK_KEY] = book
        reports: dict[str, list[pytest.TestReport]] = {}
        for index, item in enumerate(items):
            # nextitem=None after the last item tears the session fixtures down, so the
            # next round builds a fresh cluster reader (no snapshot or cache of this one).
            nextitem = items[index + 1] if index + 1 < len(items) else None
            reports[item.nodeid] = runtestprotocol(item, nextitem=nextitem, log=False)
        pending = [item.stash[CHECKPOINT_KEY].id for item in items if _was_pending(book, item)]
        selected = [item.stash[CHECKPOINT_KEY] for item in items]
        number = self.last.number + 1 if self.last else 1
        return Round(number, book, reports, checklist_of(book, selected, pending))

    def _report_last_round(
        self, session: pytest.Session, items: Sequence[pytest.Item], template: GradeBook
    ) -> None:
        # Fixtures a round cut short by Ctrl-C left set up are torn down when the session
        # ends (pytest's runner does that in pytest_sessionfinish).
        if self.last is None:
            self.config.stash[GRADEBOOK_KEY] = template
            session.testsfailed = max(session.testsfailed, 1)
            return
        self.config.stash[GRADEBOOK_KEY] = self.last.book
        # The last complete round is the run: terminal, grade JSON, JUnit XML and HTML see it.
        for item in items:
            item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
            for report in self.last.reports.get(item.nodeid, []):
                item.ihook.pytest_runtest_logreport(report=report)
            item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        if not self.last.checklist.all_passed:
            session.testsfailed = max(session.testsfailed, 1)

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.watched:
            return
        lang = self.config.stash[SETTINGS_KEY].lang
        if self.last is not None and self.last.checklist.all_passed:
            terminalreporter.write_line(render("watch.all_passed", lang))
            return
        missing = self.selected - (self.last.checklist.passed if self.last else 0)
        terminalreporter.write_line(render("watch.stopped", lang, count=missing))


def _was_pending(book: GradeBook, item: pytest.Item) -> bool:
    """Whether the item's check was still waiting for something to start (not a terminal fail)."""
    outcome = book.outcomes.get(item.nodeid)
    return outcome is not None and outcome.timed_out


def _is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())
