"""The student's HTML report (pytest-html 4): score first, then what failed and what to do.

Registered only when pytest-html is active and never on xdist workers (their
reports reach the controller, which writes the file). The page is meant for a
beginner who has never seen pytest: the top shows the score per step of the
labs that ran, then one card per failed checkpoint with two boxes, "what is
wrong" (what was seen against what was expected) and "what to do next" (the
fix command), and the diagnostics read from the cluster. Each failure is told
once: the results table below lists every checkpoint in lab order and points a
failed row to its card. pytest's own environment table and filters are hidden.
Every sentence comes from the message catalog in the run's language.

Everything shown comes from the grade book's results (``config.stash[GRADEBOOK_KEY]``,
looked up by the report's node id), never from a test item or its fixtures.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from .catalog import render
from .causes import probably_because
from .grading import DiagnosticSection, GradeBook, Result
from .html_style import STYLE
from .message_parts import MessageParts, split_message
from .session import GRADEBOOK_KEY, HTML_REPORT_KEY
from .spec import Checkpoint, LabSpec

PLUGIN_NAME = "kubelab-html-report"
_CODE = re.compile(r"`([^`]+)`")
# pytest-html sorts on the text of a sortable cell; this hidden prefix makes the
# checkpoint column sort in lab order (labs in the lab text's order, then steps).
_ORDER = '<span class="kl-order" hidden>{key}</span>'


def register(config: pytest.Config) -> None:
    """Add the report hooks when pytest-html runs here (not on an xdist worker)."""
    if hasattr(config, "workerinput") or not config.pluginmanager.hasplugin("html"):
        return
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        report = HtmlReport(config)
        config.pluginmanager.register(report, PLUGIN_NAME)
        config.stash[HTML_REPORT_KEY] = report  # the grading hook hands it the extras


@dataclass(frozen=True)
class Row:
    """What the report shows about one checkpoint, from its result."""

    checkpoint_id: str
    step: int
    title: str
    points: int
    earned: int
    outcome: str
    message: str
    hint: str
    diagnostics: tuple[DiagnosticSection, ...]
    details: tuple[str, ...] = ()
    order: str = "~"
    description: str = ""  # lab order as text (see lab_order); "~" sorts after every key


def _text(value: str) -> str:
    """Escape for HTML, then show `backticked` commands as code."""
    return _CODE.sub(r"<code>\1</code>", html.escape(value))


def _plain(value: str) -> str:
    """Text for places that cannot hold markup (the page's <title>): no backticks."""
    return value.replace("`", "")


def lab_order(spec: LabSpec, checkpoint: Checkpoint) -> str:
    """A sort key in the order the checkpoints run (lab.yaml ``order``, lab name, step,
    checkpoint), as fixed-width text because pytest-html compares the cells' text."""
    return f"{spec.order:06d}-{spec.name}-{checkpoint.step:03d}-{checkpoint.order:05d}"


class HtmlReport:
    """pytest-html hook implementations, as one object registered at configure time."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.html_report: Any = None
        self._shown: dict[str, tuple[DiagnosticSection, ...]] = {}  # cards already showing them

    @property
    def book(self) -> GradeBook:
        return self.config.stash[GRADEBOOK_KEY]

    @property
    def lang(self) -> str:
        return self.book.lang

    def t(self, key: str, **params: Any) -> str:
        return render(key, self.lang, **params)

    def row_of(self, nodeid: str) -> Row | None:
        """The table row of a checkpoint test's report; ``None`` for other tests."""
        result = self.book.result_for(nodeid)
        if result is None:
            return None
        checkpoint = result.checkpoint
        spec = self.book.specs.get(checkpoint.lab)
        return Row(
            checkpoint_id=checkpoint.id,
            step=checkpoint.step,
            title=checkpoint.title_in(self.lang),
            points=checkpoint.points,
            earned=result.earned,
            outcome=result.outcome,
            message=result.message,
            hint=result.hint,
            diagnostics=result.diagnostics,
            details=result.details,
            order=lab_order(spec, checkpoint) if spec is not None else "~",
            description=result.description,
        )

    def add_extras(self, report: pytest.TestReport, result: Result) -> None:
        """The folded part of the row (what was seen, or a pointer to the card), from ``result``.

        Called by the grading makereport hook (:func:`pytest_kubelab.labrun.record`) right
        after it graded the report: pytest-html takes a row's extras from its reports'
        ``extras`` attribute, so they must be on the report object before it is logged.
        """
        row = self.row_of(report.nodeid)
        # pytest-html shows the extras of all of a test's reports in its one row: add the
        # details once, from the report that decided the outcome.
        decided = report.when == "call" or (report.when == "setup" and not report.passed)
        if row is None or not decided or row.outcome == "skipped":
            return
        from pytest_html import extras  # type: ignore[import-untyped]

        report.extras = [  # type: ignore[attr-defined]
            *getattr(report, "extras", []),
            extras.html(self._detail_html(row)),
        ]

    # --- pytest-html hooks ----------------------------------------------------------

    def pytest_html_report_title(self, report: Any) -> None:
        # The labs are known only after collection; the title is set again at the end.
        self.html_report = report
        report.title = self.t("report.title_default")
        if self.config.getini("initial_sort") == "result":
            # pytest-html's default puts failures first; the report promises lab order
            # (the failures are already first, in the cards). An explicit ini choice wins.
            report.set_data("initialSort", "checkpoint")

    def pytest_html_duration_format(self, duration: float) -> str:
        # One unit for every row, in both languages: pytest-html would switch from
        # "350 ms" to "00:00:01" at one second. Its sorting reads the leading number.
        return f"{round(duration * 1000)} ms"

    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        cells[:] = [
            f'<th class="sortable" data-column-type="result">{self.t("report.col.result")}</th>',
            f'<th class="sortable" data-column-type="checkpoint">'
            f"{self.t('report.col.checkpoint')}</th>",
            f'<th class="sortable" data-column-type="step">{self.t("report.col.step")}</th>',
            f"<th>{self.t('report.col.title')}</th>",
            f"<th>{self.t('report.col.points')}</th>",
            f"<th>{self.t('report.col.note')}</th>",
            f'<th class="sortable" data-column-type="duration">'
            f"{self.t('report.col.duration')}</th>",
        ]

    def pytest_html_results_table_row(self, report: Any, cells: list[str]) -> None:
        row = self.row_of(report.nodeid)
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
        note = ""
        if row.outcome in ("failed", "error"):
            note = self._card_link(row.checkpoint_id, "report.see_card")
        elif row.outcome == "skipped":
            note = html.escape(
                self.t("report.blocked_short", id=self._root_cause(row.checkpoint_id))
            )
        order = _ORDER.format(key=row.order)
        cells[:] = [
            result_cell,
            f'<td class="col-checkpoint">{order}{html.escape(row.checkpoint_id)}</td>',
            f'<td class="col-step">{row.step}</td>',
            f'<td class="col-title">{_text(row.title)}{self._description(row)}</td>',
            f'<td class="col-points">{row.earned}/{row.points}</td>',
            f'<td class="col-note">{note}</td>',
            duration_cell,
        ]

    def _description(self, row: Row) -> str:
        # What the checkpoint asserts (its test's docstring), under its title.
        if not row.description:
            return ""
        return f'<div class="kl-description">{_text(row.description)}</div>'

    def pytest_html_results_table_html(self, report: Any, data: list[str]) -> None:
        row = self.row_of(report.nodeid)
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
        specs = self.book.specs
        if self.html_report is not None and specs:
            self.html_report.title = " · ".join(
                _plain(spec.title.get(self.lang) or spec.title.get("ko") or spec.name)
                for spec in specs.values()
            )
        prefix.append(f"<style>{STYLE}</style>")
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
                f"Step {r.checkpoint.step} · {_text(r.checkpoint.title_in(self.lang))}"
                for r in members
            )
            group = self.t("report.blocked_group", id=root, title=title, count=len(members))
            parts.append(f'<li>{_text(group)}<div class="kl-members">{names}</div></li>')
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
            spec = self.book.specs.get(lab)
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
        found = result.diagnostics
        diag = self._diagnostics_html(found) if found else ""
        earlier = next((cid for cid, seen in self._shown.items() if found and seen == found), None)
        if earlier is not None:
            # Two checkpoints about the same pods: show the diagnostics once.
            same = self._card_link(earlier, "report.same_diagnostics")
            diag = f'<p class="kl-note">{same}</p>'
        elif found:
            self._shown[checkpoint.id] = found
        return (
            f'<li class="kl-card kl-{result.outcome}" id="kl-{html.escape(checkpoint.id)}">'
            f'<h3><span class="kl-badge">{self.t("outcome." + result.outcome)}</span> '
            f"Step {checkpoint.step} · {_text(checkpoint.title_in(self.lang))} "
            f'<span class="kl-id">{html.escape(checkpoint.id)}</span> '
            f'<span class="kl-points">'
            f"{self.t('report.points', earned=0, max=checkpoint.points)}</span>"
            "</h3>"
            f"{self._two_boxes(result)}{self._details_html(result.details)}{diag}</li>"
        )

    def _details_html(self, details: Sequence[str]) -> str:
        """Extra lines a check computed (e.g. the right-sizing table), as they were printed."""
        if not details:
            return ""
        return (
            f'<p class="kl-label">{self.t("report.details")}</p>'
            f'<pre class="kl-details">{html.escape(chr(10).join(details))}</pre>'
        )

    def _two_boxes(self, result: Result) -> str:
        """The "what is wrong" box (seen against expected) and the "what to do next" box."""
        parts, cause = self._parts(result)
        problem = parts.problem
        steps: list[str] = []
        if cause is not None:
            # The earlier failure is the one to fix; its card is above this one.
            problem = f"{problem} {probably_because(cause, self.lang)}".strip()
            if not problem.endswith((".", "!", "?")):
                problem += "."  # the quoted summary has no full stop of its own
            first = self._card_link(cause.checkpoint.id, "report.fix_cause_first")
            steps.append(f"<p>{first}</p>")
        if parts.fix:
            steps.append(f'<p class="kl-fix">{_text(parts.fix)}</p>')
        if not steps:
            steps.append(f'<p class="kl-hint">{_text(result.hint)}</p>')
        elif result.hint:
            more = self.t("report.more_help", hint=result.hint)
            steps.append(f'<p class="kl-hint kl-more">{_text(more)}</p>')
        return (
            f'<p class="kl-label">{self.t("report.what_wrong")}</p>'
            f'<div class="kl-problem">{_text(problem)}</div>'
            f'<p class="kl-label">{self.t("report.what_next")}</p>'
            f'<div class="kl-next">{"".join(steps)}</div>'
        )

    def _parts(self, result: Result) -> tuple[MessageParts, Result | None]:
        """The message split into problem and fix, without the "probably because" sentence
        that names an earlier failure (returned apart, so the card can link to it)."""
        message = result.message
        cause = self.book.results.get(result.cause) if result.cause else None
        if cause is not None:
            because = probably_because(cause, self.lang)
            if message.endswith(because):
                message = message[: -len(because)].rstrip()
            else:
                cause = None  # the message does not say so: do not claim it
        return split_message(message), cause

    def _card_link(self, checkpoint_id: str, key: str) -> str:
        """A catalog sentence naming ``checkpoint_id``, linked to that checkpoint's card."""
        text = html.escape(self.t(key, id=checkpoint_id))
        anchor = html.escape(f"kl-{checkpoint_id}", quote=True)
        return f'<a class="kl-card-link" href="#{anchor}">{text}</a>'

    def _detail_html(self, row: Row) -> str:
        """The folded part of a table row: what was seen for a pass, a pointer for a failure."""
        parts = ['<div class="kl-detail">']
        if row.outcome in ("failed", "error"):
            # The card above says it all; repeating it here would show every failure twice.
            link = self._card_link(row.checkpoint_id, "report.see_card_long")
            parts.append(f'<p class="kl-note">{link}</p>')
        else:
            if row.message:
                parts.append(f'<p class="kl-label">{self.t("report.what_seen")}</p>')
                parts.append(f'<p class="kl-message">{_text(row.message)}</p>')
            parts.append(self._details_html(row.details))
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
