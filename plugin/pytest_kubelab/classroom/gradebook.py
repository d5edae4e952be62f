"""The class gradebook: students × checkpoints, from the students' grade files.

``class.csv`` has one row per student: ``student``, ``status``, ``score``,
``max_score``, one column per checkpoint id holding its outcome (``passed``,
``failed``, ``skipped``, ``error``; empty when it was not graded), and ``note``
(why a student has no score, or that their cluster was unreachable).

``class.html`` is one self-contained page (no scripts, no external assets): the same
table coloured by outcome, each student's score and a link to their report, the
number of students who passed each checkpoint, and the class summary.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..catalog import render

CSV_FILE = "class.csv"
HTML_FILE = "class.html"
STATUSES = ("graded", "unreachable", "timeout", "incomplete", "error")
MOST_FAILED = 5
_SYMBOL = {"passed": "✓", "failed": "✗", "skipped": "–", "error": "!"}


@dataclass
class Row:
    """One student's line of the gradebook."""

    student: str
    status: str  # one of STATUSES
    score: int | None = None
    max_score: int | None = None
    outcomes: dict[str, str] = field(default_factory=dict)  # checkpoint id -> outcome
    titles: dict[str, str] = field(default_factory=dict)  # checkpoint id -> title
    note: str = ""
    report: Path | None = None  # the student's report.html, if there is one
    seconds: float | None = None


def row_from_grade(
    grade_path: Path,
    student: str | None = None,
    *,
    status: str | None = None,
    note: str = "",
    seconds: float | None = None,
) -> Row:
    """Read a grade file into a row; a missing or broken file gives an ``error`` row.

    The student is ``student``, else the grade's ``meta.student``, else the file's
    stem (its folder's name when the file is called ``grade.json``).
    """
    fallback = grade_path.parent.name if grade_path.stem == "grade" else grade_path.stem
    try:
        grade: dict[str, Any] = json.loads(grade_path.read_text(encoding="utf-8"))
        checkpoints = list(grade["checkpoints"])
    except (OSError, ValueError, KeyError, TypeError):
        return Row(
            student or fallback, status or "error", note=note or grade_path.name, seconds=seconds
        )
    meta_value = grade.get("meta")
    meta: dict[str, Any] = meta_value if isinstance(meta_value, dict) else {}
    name = student or str(meta.get("student") or "") or fallback
    row = Row(name, status or "graded", int(grade.get("score", 0)), int(grade.get("max_score", 0)))
    row.note, row.seconds = note, seconds
    for entry in checkpoints:
        cid = str(entry.get("id"))
        row.outcomes[cid] = str(entry.get("outcome"))
        row.titles[cid] = str(entry.get("title") or "")
        if cid.endswith(".1.cluster-reachable") and entry.get("outcome") != "passed":
            if row.status == "graded":
                row.status = "unreachable"
            row.note = row.note or str(entry.get("message") or "")
    if status is None and grade.get("complete") is False and row.status == "graded":
        row.status = "incomplete"
    report = grade_path.with_name("report.html")
    row.report = report if report.exists() else None
    return row


def checkpoint_columns(rows: Sequence[Row]) -> list[str]:
    """Every graded checkpoint id, in lab order (the order of the fullest grade first)."""
    columns: dict[str, None] = {}
    for row in sorted(rows, key=lambda r: -len(r.outcomes)):
        columns.update(dict.fromkeys(row.outcomes))
    return list(columns)


def titles(rows: Sequence[Row]) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in rows:
        for cid, title in row.titles.items():
            found.setdefault(cid, title)
    return found


def most_failed(rows: Sequence[Row], limit: int = MOST_FAILED) -> list[tuple[str, int]]:
    """The checkpoints most students failed (failed or grader error), most first."""
    counts: dict[str, int] = {}
    for row in rows:
        for cid, outcome in row.outcomes.items():
            if outcome in ("failed", "error"):
                counts[cid] = counts.get(cid, 0) + 1
    order = {cid: i for i, cid in enumerate(checkpoint_columns(rows))}
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))
    return ranked[:limit]


def summary_lines(rows: Sequence[Row], lang: str) -> list[str]:
    """Students graded, mean score, and the checkpoints most students failed."""
    scored = [r for r in rows if r.score is not None and r.status != "error"]
    lines = [
        render(
            "class.summary.graded",
            lang,
            count=len(rows),
            unreachable=sum(1 for r in rows if r.status == "unreachable"),
            failed=sum(1 for r in rows if r.status in ("error", "timeout")),
        )
    ]
    if scored:
        mean = sum(r.score or 0 for r in scored) / len(scored)
        top = max(r.max_score or 0 for r in scored)
        lines.append(render("class.summary.mean", lang, mean=mean, max=top))
    failing = most_failed(rows)
    if failing:
        names = titles(rows)
        lines.append(render("class.summary.most_failed", lang))
        lines.extend(
            render(
                "class.summary.most_failed_line", lang, id=cid, title=names.get(cid, ""), count=n
            )
            for cid, n in failing
        )
    elif scored:
        lines.append(render("class.summary.none_failed", lang))
    return lines


def write_csv(rows: Sequence[Row], path: Path) -> None:
    """Write ``class.csv`` (see the module docstring)."""
    columns = checkpoint_columns(rows)
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(["student", "status", "score", "max_score", *columns, "note"])
    for row in rows:
        out.writerow(
            [
                row.student,
                row.status,
                "" if row.score is None else row.score,
                "" if row.max_score is None else row.max_score,
                *(row.outcomes.get(cid, "") for cid in columns),
                " ".join(row.note.split()),
            ]
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_html(rows: Sequence[Row], path: Path, lang: str) -> None:
    """Write ``class.html``, a self-contained page (see the module docstring)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(rows, path.parent, lang), encoding="utf-8")


def write_all(rows: Sequence[Row], out: Path, lang: str) -> tuple[Path, Path]:
    """Write both gradebook files into ``out``; returns their paths."""
    csv_path, html_path = out / CSV_FILE, out / HTML_FILE
    write_csv(rows, csv_path)
    write_html(rows, html_path, lang)
    return csv_path, html_path


def render_html(rows: Sequence[Row], folder: Path, lang: str) -> str:
    """The gradebook page; links to the reports are relative to ``folder``."""
    esc = html.escape
    columns = checkpoint_columns(rows)
    names = titles(rows)
    labs: dict[str, int] = {}
    for cid in columns:
        lab = cid.split(".", 1)[0]
        labs[lab] = labs.get(lab, 0) + 1

    head_labs = "".join(f'<th colspan="{n}" class="lab">{esc(lab)}</th>' for lab, n in labs.items())
    head_ids = "".join(
        f'<th class="cp" title="{esc(cid)}: {esc(names.get(cid, ""))}">'
        f"<span>{esc(cid.split('.', 1)[-1])}</span></th>"
        for cid in columns
    )
    body = []
    for row in rows:
        link = esc(row.student)
        if row.report is not None:
            href = Path(os.path.relpath(row.report, folder)).as_posix()
            link = f'<a href="{esc(href)}">{esc(row.student)}</a>'
        score = "–"
        percent = 0
        if row.score is not None and row.max_score:
            percent = round(100 * row.score / row.max_score)
            score = f"{row.score} / {row.max_score}"
        elif row.score is not None:
            score = f"{row.score} / {row.max_score or 0}"
        cells = []
        for cid in columns:
            outcome = row.outcomes.get(cid, "")
            tip = f"{cid}: {names.get(cid, '')} — {render('outcome.' + outcome, lang)}"
            cells.append(
                f'<td class="o {esc(outcome) or "none"}" title="{esc(tip) if outcome else ""}">'
                f"{_SYMBOL.get(outcome, '')}</td>"
            )
        status = render(f"class.status.{row.status}", lang)
        # The first sentence on the page, all of it on hover (and in class.csv).
        short = _first_sentence(row.note)
        note = f'<div class="note" title="{esc(row.note)}">{esc(short)}</div>' if row.note else ""
        body.append(
            f'<tr class="{esc(row.status)}"><th class="student">{link}</th>'
            f'<td class="status {esc(row.status)}">{esc(status)}{note}</td>'
            f'<td class="score"><span class="bar" style="width:{percent}%"></span>'
            f"<b>{esc(score)}</b></td>{''.join(cells)}</tr>"
        )
    passed_by = "".join(
        f"<td>{sum(1 for r in rows if r.outcomes.get(cid) == 'passed')}</td>" for cid in columns
    )
    summary = "".join(
        f'<li class="sub">{esc(line[2:])}</li>'
        if line.startswith("- ")
        else f"<li>{esc(line)}</li>"
        for line in summary_lines(rows, lang)
    )
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    generated = render("class.generated", lang, count=len(rows), version=__version__, when=when)
    return f"""<!DOCTYPE html>
<html lang="{esc(lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(render("class.title", lang))}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{esc(render("class.title", lang))}</h1>
<ul class="summary" id="class-summary">{summary}</ul>
<p class="legend">{esc(render("class.legend", lang))}</p>
<table id="gradebook">
<thead><tr><th rowspan="2">{esc(render("class.student", lang))}</th>
<th rowspan="2">{esc(render("class.status", lang))}</th>
<th rowspan="2">{esc(render("class.score", lang))}</th>{head_labs}</tr>
<tr>{head_ids}</tr></thead>
<tbody>
{"".join(body)}
</tbody>
<tfoot><tr><th colspan="3">{esc(render("class.passed_by", lang))}</th>{passed_by}</tr></tfoot>
</table>
<p class="generated">{esc(generated)}</p>
</body></html>
"""


def _first_sentence(text: str, limit: int = 90) -> str:
    line = " ".join(text.split())
    end = line.find(". ")
    if end >= 0:
        line = line[: end + 1]
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


_STYLE = """
body { font-family: "NanumGothic", "Noto Sans KR", system-ui, sans-serif; margin: 1.5rem;
  color: #1f2328; }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
.summary { margin: .5rem 0 1rem; padding-left: 1.2rem; }
.summary li.sub { margin-left: 1.5rem; list-style: circle; }
.legend, .generated { color: #57606a; font-size: .85rem; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .4rem; }
thead th { background: #f6f8fa; }
th.lab { text-align: center; }
th.cp { height: 9rem; vertical-align: bottom; padding: .3rem .15rem; }
th.cp span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap;
  font-weight: normal; }
th.student { text-align: left; white-space: nowrap; }
td.o { text-align: center; width: 1.4rem; font-weight: bold; }
td.o.passed { background: #2da44e; color: #fff; }
td.o.failed { background: #cf222e; color: #fff; }
td.o.skipped { background: #d0d7de; color: #57606a; }
td.o.error { background: #8250df; color: #fff; }
td.o.none { background: #fff; }
td.status { white-space: nowrap; }
td.status.unreachable, td.status.error, td.status.timeout, td.status.incomplete {
  color: #cf222e; font-weight: bold; }
td.status .note { font-weight: normal; color: #57606a; max-width: 22rem;
  white-space: normal; font-size: .75rem; }
td.score { position: relative; min-width: 5.5rem; text-align: right; }
td.score .bar { position: absolute; left: 0; top: 0; bottom: 0; background: #dafbe1;
  z-index: -1; }
td.score b { position: relative; }
tfoot td { text-align: center; color: #57606a; }
"""
