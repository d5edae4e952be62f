"""The grade file survives interruption: written as checkpoints finish, and on SIGTERM/SIGINT.

With ``--grade-json PATH`` the file is rewritten after every checkpoint, so a run
killed by a CI timeout still leaves a valid grade: the checkpoints judged so far
with their outcome, and every other selected checkpoint with outcome ``skipped``
and the message "not judged: run interrupted", and the top-level key
``"complete": false``. A finished run's file has no ``complete`` key: its shape is
the one it always had. Every write goes to a
temporary file in the same folder and is then renamed over ``PATH``, so a reader
never sees half a file, even after ``kill -9``.

SIGTERM is turned into a ``KeyboardInterrupt`` after the grade is written, so
pytest ends the session as it does on Ctrl-C: the JUnit XML, the HTML report and
the terminal summary are written too. Only ``kill -9`` (SIGKILL) skips those; the
grade file written after the last finished checkpoint stays.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from .catalog import render
from .session import GRADEBOOK_KEY
from .spec import Checkpoint

PLUGIN_NAME = "kubelab-gradefile"

_Handler = Callable[[int, FrameType | None], Any] | int | None


def write_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)  # what a plain write would give; mkstemp makes it private
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class GradeFile:
    """Keeps ``--grade-json`` up to date during the run (a pytest plugin object)."""

    def __init__(self, config: pytest.Config, path: Path) -> None:
        self.config = config
        self.path = path
        self.selected: list[Checkpoint] = []
        self.interrupted = False
        # Re-entrant: SIGTERM can arrive while the main thread is inside write().
        self._lock = threading.RLock()
        self._previous: _Handler = None

    def grade(self) -> dict[str, Any]:
        """The grade so far: judged checkpoints, then the ones not judged (yet)."""
        book = self.config.stash.get(GRADEBOOK_KEY, None)
        lang = book.lang if book is not None else "ko"
        data: dict[str, Any] = (
            book.as_json() if book is not None else {"score": 0, "max_score": 0, "checkpoints": []}
        )
        judged = set(book.results) if book is not None else set()
        missing = [c for c in self.selected if c.id not in judged]
        for checkpoint in missing:
            data["checkpoints"].append(
                {
                    "id": checkpoint.id,
                    "lab": checkpoint.lab,
                    "step": checkpoint.step,
                    "title": checkpoint.title_in(lang),
                    "description": book.descriptions.get(checkpoint.id, "") if book else "",
                    "outcome": "skipped",
                    "points": checkpoint.points,
                    "earned": 0,
                    # Written before the end is known: if the run stops now, it was interrupted.
                    "message": render("grade.not_judged", lang),
                    "hint": checkpoint.hint_in(lang),
                }
            )
        data["max_score"] = int(data["max_score"]) + sum(c.points for c in missing)
        if missing or self.interrupted:
            # Only an unfinished grade carries the key: a finished file keeps its old shape.
            data["complete"] = False
        return data

    def write(self) -> None:
        """Rewrite the grade file now (atomic); never raises into pytest."""
        with self._lock:
            try:
                write_atomic(self.path, self.grade())
            except OSError as exc:  # a full disk must not turn a grade into a crash
                reporter = self.config.pluginmanager.get_plugin("terminalreporter")
                if reporter is not None:
                    reporter.write_line(f"kubelab: cannot write {self.path}: {exc.strerror}")

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        book = self.config.stash.get(GRADEBOOK_KEY, None)
        # The grade book knows which collected tests grade which checkpoint.
        self.selected = book.selected(item.nodeid for item in session.items) if book else []
        if self.selected:
            self.write()  # from the first second on, there is a valid (empty) grade

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._on_sigterm)

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        self.interrupted = True
        self.write()
        # What Ctrl-C does: pytest stops and still writes JUnit, HTML and the summary.
        raise KeyboardInterrupt

    def pytest_keyboard_interrupt(self) -> None:
        self.interrupted = True

    def pytest_runtest_logfinish(self) -> None:
        if self.selected:
            self.write()

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.selected:
            self.write()

    def pytest_unconfigure(self) -> None:
        if self._previous is not None and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


def register(config: pytest.Config, path: Path | None) -> None:
    """Keep ``path`` (``--grade-json``) written during the run; nothing without a path."""
    if path is None or config.pluginmanager.has_plugin(PLUGIN_NAME):
        return
    config.pluginmanager.register(GradeFile(config, path), PLUGIN_NAME)


def write_final(config: pytest.Config) -> bool:
    """Write the grade file now (the terminal summary calls this); whether one is kept."""
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    if not isinstance(plugin, GradeFile):
        return False
    plugin.write()
    return True
