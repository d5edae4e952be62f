"""The live checklist of ``pytest --lab-watch``: one line per selected checkpoint.

Each line has a mark, the checkpoint id and its title:

- ✅ the checkpoint passes;
- ⏳ something it checks is still starting (a pod not Ready yet, a release still
  installing), or it is blocked by, or fails because of, an earlier checkpoint
  that is still starting;
- ❌ it fails and waiting will not fix it, or it cannot be judged because an
  earlier checkpoint fails.

Under the lines, the first failure that has no earlier failure to blame is named
with its one-line cause and the command to run next: fix that one first, the
ones after it usually follow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .catalog import render
from .causes import first_sentence
from .grading import GradeBook, Result
from .spec import Checkpoint

PASSED, FAILED, PENDING = "passed", "failed", "pending"
MARKS = {PASSED: "✅", FAILED: "❌", PENDING: "⏳"}
# A command the message or hint quotes: `kubectl get pods -n shop`.
_QUOTED = re.compile(r"`([^`\n]+)`")
CAUSE_LIMIT = 110  # characters of the cause line
COMMAND_TOOLS = frozenset({"kubectl", "helm", "kind", "curl", "docker", "pytest", "kubelab-class"})


@dataclass(frozen=True)
class Line:
    """One checkpoint of the checklist."""

    checkpoint: Checkpoint
    state: str  # PASSED, FAILED or PENDING


@dataclass(frozen=True)
class Focus:
    """The failure to fix first: which checkpoint, why, and the command to run next."""

    checkpoint_id: str
    state: str  # FAILED or PENDING
    cause: str
    command: str | None


@dataclass(frozen=True)
class Checklist:
    """What one watch round found, ready to be drawn."""

    lines: tuple[Line, ...]
    earned: int
    max_score: int
    focus: Focus | None

    @property
    def passed(self) -> int:
        return sum(1 for line in self.lines if line.state == PASSED)

    @property
    def all_passed(self) -> bool:
        return self.passed == len(self.lines)

    def body(self, lang: str) -> list[str]:
        """The lines that change only when the cluster does (no clock, no round number):
        the score, one line per checkpoint, and the failure to fix first."""
        score = render(
            "watch.score",
            lang,
            earned=self.earned,
            max=self.max_score,
            passed=self.passed,
            total=len(self.lines),
        )
        width = max((len(line.checkpoint.id) for line in self.lines), default=0)
        rows = [score] + [
            f"{MARKS[line.state]} {line.checkpoint.id.ljust(width)}  "
            f"{line.checkpoint.title_in(lang)}"
            for line in self.lines
        ]
        if self.focus is not None:
            key = "watch.focus_pending" if self.focus.state == PENDING else "watch.focus_failed"
            rows.append(render(key, lang, id=self.focus.checkpoint_id, cause=self.focus.cause))
            if self.focus.command:
                rows.append(render("watch.next_command", lang, command=self.focus.command))
        return rows

    def text(self, lang: str, *, clock: str, round_number: int, interval: float) -> str:
        """The whole checklist as drawn: header, body, and how to stop."""
        header = render("watch.header", lang, clock=clock, round=round_number)
        lines = [header, *self.body(lang)]
        if not self.all_passed:  # the last checklist: nothing is graded again
            lines.append(render("watch.footer", lang, interval=f"{interval:g}"))
        return "\n".join(lines)


def checklist_of(
    book: GradeBook, selected: Sequence[Checkpoint], pending: Iterable[str]
) -> Checklist:
    """The checklist of a finished round.

    ``selected`` are the checkpoints the round ran, in lab order; ``pending`` the ids
    whose check was still waiting for something to start when the round looked.
    """
    still_starting = set(pending)
    states: dict[str, str] = {}
    for checkpoint in selected:
        states[checkpoint.id] = _state_of(book.results.get(checkpoint.id), still_starting, states)
    lines = tuple(Line(checkpoint, states[checkpoint.id]) for checkpoint in selected)
    return Checklist(lines, book.score, book.max_score, _focus(book, selected, states))


def _state_of(result: Result | None, pending: set[str], states: dict[str, str]) -> str:
    if result is None:  # not judged in this round
        return PENDING
    if result.outcome == "passed":
        return PASSED
    if result.cause is not None and result.cause in states:
        # Blocked by a need, or failing because of an earlier failure: it shares that
        # one's fate (a pending state behind a real failure will not recover by itself).
        return PENDING if states[result.cause] == PENDING else FAILED
    return PENDING if result.checkpoint.id in pending else FAILED


def _focus(book: GradeBook, selected: Sequence[Checkpoint], states: dict[str, str]) -> Focus | None:
    for checkpoint in selected:
        result = book.results.get(checkpoint.id)
        if result is None or result.outcome not in ("failed", "error"):
            continue
        if book.root_of(result) is not result:
            continue  # it follows from an earlier failure: that one is named instead
        cause = _shortened(result.summary or first_sentence(result.message))
        return Focus(checkpoint.id, states[checkpoint.id], cause, next_command(result))
    return None


def _shortened(text: str) -> str:
    # One line of a compact checklist; the whole message is in the summary at the end.
    if len(text) <= CAUSE_LIMIT:
        return text
    return text[: CAUSE_LIMIT - 1].rstrip() + "…"


def next_command(result: Result) -> str | None:
    """The command to run next: the most specific one the failure's message quotes.

    That is the longest quoted span that starts with a command-line tool (``kubectl``,
    ``helm``, ...), from the message, else from the lab's hint; ``None`` when neither
    quotes one. The longest, because a message such as "fix the manifest and
    `kubectl apply` it again (e.g. `kubectl -n shop set image …`)" names the general
    command first and the exact one after it.
    """
    for text in (result.message, result.hint):
        commands: list[str] = [
            str(span).strip()
            for span in _QUOTED.findall(text)
            if span.strip().split(" ", 1)[0] in COMMAND_TOOLS
        ]
        if commands:
            return max(commands, key=len)
    return None
