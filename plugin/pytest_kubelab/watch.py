"""``pytest --lab-watch``: re-grade the selected checkpoints until they all pass.

A student runs ``pytest --lab-watch -m step5`` in a second terminal while working
in the first one. Every few seconds (``--lab-watch-interval``, default 3) the
selected checkpoints are graded again with the same checks as a normal run, and
one compact checklist is drawn (see :mod:`pytest_kubelab.checklist`). On a
terminal it is redrawn in place; when the output is not a terminal (CI, a pipe)
each checklist that differs from the previous one is printed once, without
escape codes. It ends by itself with exit code 0 when every selected checkpoint
passes; Ctrl-C ends it with the last checklist and exit code 1 ("not all
passed"). Like all grading it only reads (GET) from the cluster.

Design: the rounds run in this one pytest process (pytest's ``runtestprotocol``
with ``log=False``, as pytest-rerunfailures re-runs tests), rather than as one
child ``pytest`` per round, because that is the more robust of the two:

- a round costs only its checks: a child process would pay 2-3 s of start-up
  (interpreter, plugins, collection) per round, longer than the round itself;
- there is one simulated cluster (``--lab-sim``) and one kubeconfig, so nothing
  has to be handed over to children (ports, kubeconfig, context, deadline caps);
- a check that is still waiting for something to start is known from its own
  verdict, not guessed from message text in a grade file;
- Ctrl-C reaches one process, which ends cleanly between or inside a round.

What must not leak from one round into the next is reset: each round has a new
grade book, the per-checkpoint stash entries are cleared, and the last item of
a round is run with ``nextitem=None``, so pytest tears down the session fixtures
(``lab_access`` with its cluster snapshot and read cache, ``lab_deadline``) and
the next round reads the cluster afresh. A round never waits: ``--lab-wait`` is
0, so what is still starting shows ⏳ at once and the next round looks again.
Pod diagnostics are skipped too (the checklist does not show them), and each
round has the whole ``--lab-deadline`` to itself. Only checkpoint tests are graded
again; other tests in the selection do not run while watching.

The reports of the rounds reach no reporter. When watching ends, the last
complete round is reported as the run (terminal summary, ``--grade-json``,
JUnit XML, HTML report), so those files describe one round, not a mixture.

``--lab-watch`` refuses ``--lab-provision`` (building the lab is not watching it)
and xdist's ``-n`` (rounds run in one process).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

import pytest

from .catalog import render
from .checklist import Checklist, checklist_of
from .grading import GradeBook
from .lab import VERDICT_KEY
from .options import GROUP
from .provision.options import provision_requested
from .session import BLOCKED_BY_KEY, CHECKPOINT_KEY, GRADEBOOK_KEY, SETTINGS_KEY
from .verdict import State

PLUGIN_NAME = "kubelab-watch"
DEFAULT_INTERVAL = 3.0
# ANSI: cursor home, then clear the screen (a terminal redraws the checklist in place).
CLEAR_SCREEN = "\x1b[H\x1b[2J"
# Exit codes: pytest's own; 1 (TESTS_FAILED) means "not every checkpoint passes yet".
EXIT_ALL_PASSED = int(pytest.ExitCode.OK)
EXIT_NOT_ALL_PASSED = int(pytest.ExitCode.TESTS_FAILED)


def add_watch_options(parser: pytest.Parser) -> None:
    """Register ``--lab-watch`` and ``--lab-watch-interval`` (``--lab-watch-rounds`` is hidden)."""
    group = parser.getgroup(GROUP)
    group.addoption(
        "--lab-watch",
        dest="lab_watch",
        action="store_true",
        default=False,
        help="Live checklist: re-grade the selected checkpoints every few seconds and redraw "
        "them until all pass (exit 0) or Ctrl-C (exit 1). Works with -m stepN.",
    )
    group.addoption(
        "--lab-watch-interval",
        dest="lab_watch_interval",
        metavar="SECONDS",
        default=None,
        help=f"Seconds between two --lab-watch rounds (default: {DEFAULT_INTERVAL:g})",
    )
    # For self-tests and scripts: stop after N rounds, as Ctrl-C would.
    group.addoption("--lab-watch-rounds", dest="lab_watch_rounds", type=int, help=argparse.SUPPRESS)


def register(config: pytest.Config) -> None:
    """Set up ``--lab-watch`` once the settings are known; nothing happens without it.

    Raises ``pytest.UsageError`` (one line) for combinations it refuses.
    """
    if not config.getoption("lab_watch", default=False):
        return
    settings = config.stash[SETTINGS_KEY]
    lang = settings.lang
    if provision_requested(config):
        raise pytest.UsageError(render("watch.refuse_provision", lang))
    if config.getoption("numprocesses", default=None):
        raise pytest.UsageError(render("watch.refuse_xdist", lang))
    raw = config.getoption("lab_watch_interval", default=None)
    interval = DEFAULT_INTERVAL if raw is None else _positive(str(raw), lang)
    # A round never waits for what is still starting: it shows ⏳ and the next one looks again.
    config.stash[SETTINGS_KEY] = dataclasses.replace(settings, wait=0.0, diagnostics=False)
    rounds = config.getoption("lab_watch_rounds", default=None)
    config.pluginmanager.register(WatchLoop(config, interval, rounds), PLUGIN_NAME)


def _positive(raw: str, lang: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:  # also rejects nan
        raise pytest.UsageError(render("watch.bad_interval", lang, value=raw))
    return value


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

        book = dataclasses.replace(template, results={}, lab_files=dict(template.lab_files))
        self.config.stash[GRADEBOOK_KEY] = book
        reports: dict[str, list[pytest.TestReport]] = {}
        for index, item in enumerate(items):
            # What the previous round concluded about this item must not leak into this one.
            if VERDICT_KEY in item.stash:
                del item.stash[VERDICT_KEY]
            if BLOCKED_BY_KEY in item.stash:
                del item.stash[BLOCKED_BY_KEY]
            # nextitem=None after the last item tears the session fixtures down, so the
            # next round builds a fresh cluster reader (no snapshot or cache of this one).
            nextitem = items[index + 1] if index + 1 < len(items) else None
            reports[item.nodeid] = runtestprotocol(item, nextitem=nextitem, log=False)
        pending = [item.stash[CHECKPOINT_KEY].id for item in items if _was_pending(item)]
        selected = [item.stash[CHECKPOINT_KEY] for item in items]
        number = self.last.number + 1 if self.last else 1
        return Round(number, book, reports, checklist_of(book, selected, pending))

    def _report_last_round(
        self, session: pytest.Session, items: Sequence[pytest.Item], template: GradeBook
    ) -> None:
        # A round cut short by Ctrl-C may have left fixtures set up.
        session._setupstate.teardown_exact(None)
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


def _was_pending(item: pytest.Item) -> bool:
    """Whether the item's check was still waiting for something to start (not a terminal fail)."""
    verdict = item.stash.get(VERDICT_KEY, None)
    # A pending verdict that ran out of --lab-wait becomes FAIL and records how long it waited.
    return verdict is not None and verdict.state is State.FAIL and "waited" in verdict.params


def _is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())
