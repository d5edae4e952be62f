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
and xdist's ``-n`` (rounds run in one process). The rounds themselves are in
:mod:`pytest_kubelab.watchloop`, loaded only by a run that watches.
"""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from .catalog import render
from .options import GROUP
from .provision.options import provision_requested
from .session import SETTINGS_KEY

PLUGIN_NAME = "kubelab-watch"
DEFAULT_INTERVAL = 3.0
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
    from .watchloop import WatchLoop  # only a watching run loads the loop and its imports

    config.pluginmanager.register(WatchLoop(config, interval, rounds), PLUGIN_NAME)


def _positive(raw: str, lang: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:  # also rejects nan
        raise pytest.UsageError(render("watch.bad_interval", lang, value=raw))
    return value
