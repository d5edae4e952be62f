"""The student's HTML report (pytest-html 4): score first, then what failed and what to do.

Registered only when pytest-html is active and never on xdist workers (their
reports reach the controller, which writes the file). The page is meant for a
beginner who has never seen pytest: the top shows the score per step, then one
card per failed checkpoint with its message, hint and diagnostics; pytest's own
environment table and filters are hidden. Every sentence comes from the
message catalog in the run's language.
"""

from __future__ import annotations

import html
import re
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from .catalog import render
from .diagnostics import DIAGNOSTICS_KEY, Diagnostics
from .grading import GradeBook, Result
from .session import CHECKPOINT_KEY, GRADEBOOK_KEY, SPEC_KEY
from .spec import LabSpec

PLUGIN_NAME = "kubelab-html-report"
_CODE = re.compile(r"`([^`]+)`")


def register(config: pytest.Config) -> None:
    """Add the report hooks when pytest-html runs here (not on an xdist worker)."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("html"):
        return
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(HtmlReport(config), PLUGIN_NAME)


@dataclass(frozen=True)
class Row:
    """What the report shows about one checkpoint test report."""

    checkpoint_id: str
    step: int
    title: str
    points: int
    earned: int
    outcome: str
    message: str
    hint: str
    diagnostics: tuple[tuple[str, str], ...]
    details: tuple[str, ...] = ()


def _text(value: str) -> str:
    """Escape for HTML and show `backticked` commands as code."""
    return _CODE.sub(r"<code>\1</code>", html.escape(value))


class HtmlReport:
    """pytest-html hook implementations, as one object registered at configure time."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.specs: dict[str, LabSpec] = {}
        self.html_report: Any = None
        self.diagnostics: dict[str, tuple[tuple[str, str], ...]] = {}
        self._shown: dict[str, tuple[tuple[str, str], ...]] = {}  # cards already showing them

    @property
    def book(self) -> GradeBook:
        return self.config.stash[GRADEBOOK_KEY]

    @property
    def lang(self) -> str:
        return self.book.lang

    def t(self, key: str, **params: Any) -> str:
        return render(key, self.lang, **params)

    # --- collecting -------------------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        checkpoint = item.stash.get(CHECKPOINT_KEY, None)
        if checkpoint is None:
            return report
        spec = item.stash[SPEC_KEY]
        self.specs.setdefault(spec.name, spec)
        result = self.book.results.get(checkpoint.id)
        found = item.stash.get(DIAGNOSTICS_KEY, None) if report.failed else None
        row = Row(
            checkpoint_id=checkpoint.id,
            step=checkpoint.step,
            title=checkpoint.title_in(self.lang),
            points=checkpoint.points,
            earned=result.earned if result else 0,
            outcome=result.outcome if result else report.outcome,
            message=result.message if result else "",
            hint=checkpoint.hint_in(self.lang),
            diagnostics=_sections(found),
            details=result.details if result else (),
        )
        report.kubelab_row = row  # type: ignore[attr-defined]
        if row.diagnostics:
            self.diagnostics[checkpoint.id] = row.diagnostics
        # pytest-html shows the extras of all of a test's reports in its one row: add the
        # details once, from the report that decided the outcome.
        decided = report.when == "call" or (report.when == "setup" and not report.passed)
        if decided and row.outcome != "skipped":
            from pytest_html import extras  # type: ignore[import-untyped]

            report.extras = [  # type: ignore[attr-defined]
                *getattr(report, "extras", []),
                extras.html(self._detail_html(row)),
            ]
        return report

    # --- pytest-html hooks ----------------------------------------------------------

    def pytest_html_report_title(self, report: Any) -> None:
        # The labs are known only after collection; the title is set again at the end.
        self.html_report = report
        report.title = self.t("report.title_default")

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[:] = [
            f'<th class="sortable" data-column-type="result">{self.t("report.col.result")}</th>',
            f'<th class="sortable" data-column-type="checkpoint">'
            f"{self.t('report.col.checkpoint')}</th>",
            f'<th class="sortable" data-column-type="step">{self.t("report.col.step")}</th>',
            f"<th>{self.t('report.col.title')}</th>",
            f"<th>{self.t('report.col.points')}</th>",
            f"<th>{self.t('report.col.hint')}</th>",
            f'<th class="sortable" data-column-type="duration">'
            f"{self.t('report.col.duration')}</th>",
        ]

    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        row: Row | None = getattr(report, "kubelab_row", None)
        result_cell, test_cell, duration_cell = cells[0], cells[1], cells[2]
        if row is None:
            cells[:] = [
                result_cell,
                test_cell,
                "<td></td>",
                "<td></td>",
                "<td></td>",
                "<td></td>",
                duration_cell,
            ]
            return
        # pytest-html's script filters on the English outcome in the cell; the label
        # attribute shows the student's language instead (see the style sheet).
        label = html.escape(self.t(f"outcome.{row.outcome}"), quote=True)
        result_cell = result_cell.replace(
            'class="col-result"', f'class="col-result" data-label="{label}"', 1
        )
        hint = _text(row.hint) if row.outcome in ("failed", "error") else ""
        if row.outcome == "skipped":
            hint = html.escape(
                self.t("report.blocked_short", id=self._root_cause(row.checkpoint_id))
            )
        cells[:] = [
            result_cell,
            f'<td class="col-checkpoint">{html.escape(row.checkpoint_id)}</td>',
            f'<td class="col-step">{row.step}</td>',
            f'<td class="col-title">{html.escape(row.title)}</td>',
            f'<td class="col-points">{row.earned}/{row.points}</td>',
            f'<td class="col-hint">{hint}</td>',
            duration_cell,
        ]

    def pytest_html_results_table_html(self, report: Any, data: list[str]) -> None:
        row: Row | None = getattr(report, "kubelab_row", None)
        if row is None or report.outcome == "rerun":
            return
        if row.outcome == "error" and report.when == "call":
            # The traceback matters to the instructor, not the student: keep it, folded.
            data[:] = [
                f'<details class="kl-trace"><summary>{self.t("report.trace")}</summary>'
                f"<pre>{''.join(data)}</pre></details>"
            ]
        else:
            # The extras already say it in the student's words; pytest's log would repeat it.
            data[:] = []

    def pytest_html_results_summary(
        self, prefix: list[str], summary: list[str], postfix: list[str], session: pytest.Session
    ) -> None:
        if self.html_report is not None and self.specs:
            self.html_report.title = " · ".join(
                spec.title.get(self.lang) or spec.title.get("ko") or spec.name
                for spec in self.specs.values()
            )
        prefix.append(f"<style>{_STYLE}</style>")
        if not self.book.results:
            prefix.append(f'<p class="kl-intro">{self.t("report.no_checkpoints")}</p>')
            return
        prefix.append(self._summary_html())

    # --- building blocks --------------------------------------------------------------

    def _summary_html(self) -> str:
        book = self.book
        results = list(book.results.values())
        percent = round(100 * book.score / book.max_score) if book.max_score else 0
        parts = [
            f'<section class="kl-report" lang="{self.lang}">',
            f'<p class="kl-intro">{_text(self.t("report.intro"))}</p>',
            '<div class="kl-score" id="kl-score">',
            f'<span class="kl-score-label">{self.t("report.score")}</span> ',
            f'<span class="kl-score-value">{book.score} / {book.max_score}</span>',
            f'<span class="kl-score-unit">{self.t("report.points_unit")}</span>',
            f'<div class="kl-bar"><div style="width:{percent}%"></div></div>',
            "</div>",
            self._steps_table(results),
        ]
        failing = [r for r in results if r.outcome in ("failed", "error")]
        blocked = [r for r in results if r.outcome == "skipped"]
        if failing:
            parts.append(f"<h2>{self.t('report.todo_title')}</h2>")
            parts.append(f'<p class="kl-note">{self.t("report.todo_note")}</p>')
            parts.append('<ol class="kl-failures">')
            parts.extend(self._failure_card(r) for r in failing)
            parts.append("</ol>")
        elif not blocked:
            parts.append(f'<p class="kl-done">{self.t("report.all_passed")}</p>')
        if blocked:
            parts.append(f"<h2>{self.t('report.blocked_title')}</h2>")
            parts.append(f'<p class="kl-note">{self.t("report.blocked_note")}</p>')
            parts.append(self._blocked_html(blocked))
        parts.append(f'<p class="kl-note">{self.t("report.table_note")}</p>')
        parts.append("</section>")
        return "".join(parts)

    def _blocked_html(self, blocked: Sequence[Result]) -> str:
        """Skipped checkpoints grouped by the failed checkpoint that holds them back."""
        groups: dict[str, list[Result]] = {}
        for result in blocked:
            groups.setdefault(self._root_cause(result.checkpoint.id), []).append(result)
        parts = ['<ul class="kl-blocked">']
        for root, members in groups.items():
            cause = self.book.results.get(root)
            title = cause.checkpoint.title_in(self.lang) if cause else root
            names = ", ".join(
                f"Step {r.checkpoint.step} · {html.escape(r.checkpoint.title_in(self.lang))}"
                for r in members
            )
            parts.append(
                f"<li>{self.t('report.blocked_group', id=root, title=title, count=len(members))}"
                f'<div class="kl-members">{names}</div></li>'
            )
        parts.append("</ul>")
        return "".join(parts)

    def _root_cause(self, checkpoint_id: str) -> str:
        """Follow unmet needs back to the checkpoint that actually failed."""
        seen: set[str] = set()
        current = checkpoint_id
        while current not in seen:
            seen.add(current)
            result = self.book.results.get(current)
            if result is None or result.outcome != "skipped":
                return current
            unmet = [
                n
                for n in result.checkpoint.needs
                if self.book.outcome_of(n) not in (None, "passed")
            ]
            if not unmet:
                return current
            current = unmet[0]
        return current

    def _steps_table(self, results: Sequence[Result]) -> str:
        head = "".join(
            f"<th>{self.t(k)}</th>"
            for k in ("report.col.lab", "report.col.step", "report.col.passed", "report.col.points")
        )
        rows = []
        for lab in dict.fromkeys(r.checkpoint.lab for r in results):
            spec = self.specs.get(lab)
            lab_title = (spec.title.get(self.lang) if spec else None) or lab
            in_lab = [r for r in results if r.checkpoint.lab == lab]
            for index, step in enumerate(sorted({r.checkpoint.step for r in in_lab})):
                in_step = [r for r in in_lab if r.checkpoint.step == step]
                shown = lab_title if index == 0 else ""
                rows.append(self._tally_row(shown, f"Step {step}", in_step, "kl-step"))
            rows.append(self._tally_row("", self.t("report.lab_total"), in_lab, "kl-lab"))
        rows.append(self._tally_row("", self.t("report.total"), results, "kl-total"))
        return (
            f'<table class="kl-steps"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>"
        )

    def _tally_row(self, lab: str, label: str, results: Iterable[Result], css: str) -> str:
        items = list(results)
        passed = sum(1 for r in items if r.outcome == "passed")
        earned = sum(r.earned for r in items)
        maximum = sum(r.checkpoint.points for r in items)
        state = "kl-full" if earned == maximum else "kl-partial"
        return (
            f'<tr class="{css} {state}"><td>{html.escape(lab)}</td><td>{html.escape(label)}</td>'
            f"<td>{passed}/{len(items)}</td><td>{earned}/{maximum}</td></tr>"
        )

    def _failure_card(self, result: Result) -> str:
        checkpoint = result.checkpoint
        found = self.diagnostics.get(checkpoint.id)
        diag = self._diagnostics_html(found) if found else ""
        earlier = next((cid for cid, seen in self._shown.items() if found and seen == found), None)
        if earlier is not None:
            # Two checkpoints about the same pods: show the diagnostics once.
            diag = f'<p class="kl-note">{self.t("report.same_diagnostics", id=earlier)}</p>'
        elif found:
            self._shown[checkpoint.id] = found
        return (
            f'<li class="kl-card kl-{result.outcome}" id="kl-{html.escape(checkpoint.id)}">'
            f'<h3><span class="kl-badge">{self.t("outcome." + result.outcome)}</span> '
            f"Step {checkpoint.step} · {html.escape(checkpoint.title_in(self.lang))} "
            f'<span class="kl-id">{html.escape(checkpoint.id)}</span> '
            f'<span class="kl-points">'
            f"{self.t('report.points', earned=0, max=checkpoint.points)}</span>"
            "</h3>"
            f'<p class="kl-label">{self.t("report.what_wrong")}</p>'
            f'<p class="kl-message">{_text(result.message)}</p>'
            f'<p class="kl-label">{self.t("report.what_next")}</p>'
            f'<p class="kl-hint">{_text(result.hint)}</p>'
            f"{diag}</li>"
        )

    def _detail_html(self, row: Row) -> str:
        parts = ['<div class="kl-detail">']
        if row.message:
            label = "report.what_wrong" if row.outcome != "passed" else "report.what_seen"
            parts.append(f'<p class="kl-label">{self.t(label)}</p>')
            parts.append(f'<p class="kl-message">{_text(row.message)}</p>')
        if row.details:
            parts.append(f'<p class="kl-label">{self.t("report.details")}</p>')
            parts.append(f'<pre class="kl-details">{html.escape(chr(10).join(row.details))}</pre>')
        if row.outcome != "passed":
            parts.append(f'<p class="kl-label">{self.t("report.what_next")}</p>')
            parts.append(f'<p class="kl-hint">{_text(row.hint)}</p>')
        if row.diagnostics:
            parts.append(self._diagnostics_html(row.diagnostics))
        parts.append("</div>")
        return "".join(parts)

    def _diagnostics_html(self, sections: Sequence[tuple[str, str]]) -> str:
        body = "".join(
            f"<h4>{html.escape(title)}</h4><pre>{html.escape(text)}</pre>"
            for title, text in sections
        )
        return (
            f'<details class="kl-diag" open><summary>{self.t("diag.section")}</summary>'
            f"{body}</details>"
        )


def _sections(found: Diagnostics | None) -> tuple[tuple[str, str], ...]:
    return tuple((s.title, s.text) for s in found.sections) if found else ()


_STYLE = """
body { font-family: "Malgun Gothic", "Apple SD Gothic Neo", "Noto Sans CJK KR", "NanumGothic",
  sans-serif; color: #222;
  max-width: 1300px; }
#title + p, #environment-header, #environment, .summary__data > h2, .run-count, p.filter,
.controls, .col-links { display: none !important; }
.kl-report { font-size: 15px; line-height: 1.5; }
.kl-intro { color: #333; }
.kl-score { margin: 12px 0 16px; }
.kl-score-label { font-size: 20px; font-weight: bold; }
.kl-score-value { font-size: 34px; font-weight: bold; margin-left: 8px; }
.kl-bar { height: 12px; background: #eee; border-radius: 6px; width: 420px; margin-top: 4px; }
.kl-bar > div { height: 12px; background: #2e7d32; border-radius: 6px; }
table.kl-steps { border-collapse: collapse; margin-bottom: 12px; color: #222; }
table.kl-steps td, table.kl-steps th { border: 1px solid #ccc; padding: 4px 10px; }
table.kl-steps th { background: #f3f3f3; }
tr.kl-lab td, tr.kl-total td { font-weight: bold; }
tr.kl-partial td:last-child { color: #c62828; }
tr.kl-full td:last-child { color: #2e7d32; }
.kl-failures { padding-left: 20px; }
.kl-card { border: 2px solid #c62828; border-radius: 8px; padding: 8px 14px; margin-bottom: 14px;
  background: #fffafa; }
.kl-card h3 { margin: 4px 0 8px; }
.kl-badge { background: #c62828; color: #fff; border-radius: 4px; padding: 1px 8px; }
.kl-id { color: #777; font-weight: normal; font-size: 13px; }
.kl-points { color: #c62828; font-size: 14px; }
.kl-label { font-weight: bold; margin: 8px 0 2px; }
.kl-message, .kl-hint { margin: 0 0 6px; white-space: pre-wrap; }
.kl-hint { background: #fff8e1; border-left: 4px solid #f9a825; padding: 4px 8px; }
.kl-diag summary { cursor: pointer; font-weight: bold; }
.kl-diag h4 { margin: 8px 0 2px; font-size: 13px; }
.kl-diag pre, .kl-trace pre { background: #f5f5f5; padding: 6px; font-size: 12px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.kl-note { color: #555; font-size: 13px; }
.kl-score-unit { font-size: 18px; margin-left: 4px; }
.kl-blocked li { margin-bottom: 6px; }
.kl-members { color: #555; font-size: 13px; }
.kl-done { font-size: 18px; color: #2e7d32; font-weight: bold; }
code { background: #eef; padding: 0 3px; border-radius: 3px; }
td.col-result { font-size: 0; }
td.col-result::before { content: attr(data-label); font-size: 14px; }
td.col-result:hover::after, td.col-result.collapsed:hover::after { content: ""; }
.kl-detail { font-size: 14px; color: #222; padding: 4px 8px; }
.logexpander { display: none; }
.logwrapper { max-height: none; overflow-y: visible; background: transparent; }
.logwrapper:not(:has(.log)) { display: none; }
.logwrapper .log { top: 0; height: auto; min-height: 0; }
#results-table { color: #222; font-size: 14px; }
.kl-trace pre { white-space: pre-wrap; }
td.col-hint { font-size: 13px; max-width: 420px; }
"""
