"""Likely causes: naming the earlier failure that probably explains a later one.

A checkpoint's ``causes`` in ``lab.yaml`` block nothing (that is what ``needs`` is
for). They only let a failure say where it probably comes from, so a student who
broke one thing reads one cause instead of a wall of unrelated-looking failures:
"… probably because web.1.nodes-ready failed: webapp-lab-worker (NodeStatusUnknown)
is not Ready".
"""

from __future__ import annotations

from .catalog import messages, render
from .grading import Result
from .verdict import Verdict

SUMMARY_LIMIT = 160


def summary_of(verdict: Verdict, lang: str) -> str:
    """A one-line account of a failed verdict, quoted when a later failure names it.

    A message key may have a short form ``cause.summary.<key>`` in the catalog (for
    messages whose first sentence does not say what is wrong); otherwise the first
    sentence of the rendered message is used.
    """
    short_key = f"cause.summary.{verdict.key}"
    if short_key in messages():
        return render(short_key, lang, **verdict.params)
    return first_sentence(verdict.render(lang))


def first_sentence(text: str) -> str:
    """The text up to its first sentence end (". "), on one line and at most 160 characters."""
    line = " ".join(text.split())
    end = line.find(". ")
    if end >= 0:
        line = line[: end + 1]
    if len(line) > SUMMARY_LIMIT:
        line = line[: SUMMARY_LIMIT - 1].rstrip() + "…"
    return line


def probably_because(cause: Result, lang: str) -> str:
    """The sentence appended to a failure that ``cause`` probably explains."""
    return render("cause.probably", lang, id=cause.checkpoint.id, reason=cause.summary)
