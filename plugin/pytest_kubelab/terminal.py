"""The compact terminal summary a student reads after ``pytest``.

The score comes first (per lab, per step, in total). Then one block per failure that
has no earlier failure to blame, headed by its id and title, with the message (what
was expected, what was seen, the fix command) and the lab's hint, said once. The
failures that probably follow from it, and the checkpoints it leaves unjudgeable, are
named in one line each under that block instead of being repeated in full: a student
who fixes the first cause usually fixes them too.

With default options pytest's own FAILURES section and ``-r`` lines are switched off
for lab runs (they would repeat the same text); ``-v``, ``-rA`` or an explicit ``--tb``
bring them back for whoever wants every detail.
"""

from __future__ import annotations

import pytest

from .catalog import render
from .grading import GradeBook, Result

FAILED = ("failed", "error")


def compact_output(config: pytest.Config) -> bool:
    """Whether pytest's own failure sections are left out because the summary says it all."""
    option = config.option
    reportchars = str(getattr(option, "reportchars", "") or "")
    return (
        int(getattr(option, "verbose", 0) or 0) <= 0
        and str(getattr(option, "tbstyle", "auto")) == "auto"
        and not any(char in reportchars for char in "aAPpxXs")
    )


def quiet_pytest_sections(config: pytest.Config) -> None:
    """Switch off the FAILURES section and ``-r`` failure lines of a compact lab run."""
    if compact_output(config):
        config.option.tbstyle = "no"
        reportchars = str(getattr(config.option, "reportchars", "") or "")
        config.option.reportchars = reportchars.replace("f", "")


def summary_lines(book: GradeBook) -> list[str]:
    """Everything the kubelab section of the terminal prints, in the run's language."""
    lang = book.lang
    lines = book.summary_lines()
    results = list(book.results.values())
    failing = [r for r in results if r.outcome in FAILED]
    if not failing and not any(r.outcome == "skipped" for r in results):
        return lines
    followers: dict[str, list[Result]] = {}
    blocked: dict[str, list[Result]] = {}
    roots: list[Result] = []
    orphans: list[Result] = []  # skipped for a reason outside this run (deselected need, ...)
    for result in results:
        root = book.root_of(result)
        if result is root:
            if result.outcome in FAILED:
                roots.append(result)
            elif result.outcome == "skipped":
                orphans.append(result)
            continue
        if root.outcome not in FAILED:
            orphans.append(result)
            continue
        target = blocked if result.outcome == "skipped" else followers
        target.setdefault(root.checkpoint.id, []).append(result)
    if roots:
        lines += ["", render("summary.failed_header", lang) + ":"]
    # The same failure in both labs (the cluster is unreachable, say) is said once.
    groups: dict[tuple[str, str, str], list[Result]] = {}
    for root in roots:
        key = (root.checkpoint.title_in(lang), root.message, root.hint)
        groups.setdefault(key, []).append(root)
    for group in groups.values():
        lines += _block(group, lang)
        ids = [r.checkpoint.id for r in group]
        _also(lines, [f for i in ids for f in followers.get(i, [])], "summary.followers", lang)
        _also(lines, [b for i in ids for b in blocked.get(i, [])], "summary.blocked_by_this", lang)
    for result in orphans:
        lines.append(f"- {result.checkpoint.id}: {result.message}")
    if orphans:
        lines.append(render("summary.blocked", lang, count=len(orphans)))
    return lines


def _block(group: list[Result], lang: str) -> list[str]:
    result = group[0]
    ids = ", ".join(r.checkpoint.id for r in group)
    block = [f"✗ {ids} — {result.checkpoint.title_in(lang)}", f"  {result.message}"]
    if result.hint:
        block.append(f"  {render('label.hint', lang)}: {result.hint}")
    return block


def _also(lines: list[str], results: list[Result], key: str, lang: str) -> None:
    if results:
        ids = ", ".join(r.checkpoint.id for r in results)
        lines.append("  " + render(key, lang, count=len(results), ids=ids))
