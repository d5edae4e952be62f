"""The grading machinery of a lab run, set up by :mod:`pytest_kubelab.plugin` on demand.

:func:`set_up` creates the grade book and registers the grade file, HTML report
and ``-n N`` hooks; the other functions are the bodies of the plugin's hooks for
checkpoint tests. Nothing here is imported in a pytest run that grades no lab.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from . import diagnostics, distributed, gradefile, markers, terminal
from .catalog import CatalogError, add_lab_messages, messages, render
from .grading import GradeBook, Result
from .labdetect import is_lab_run, spec_paths_in_args
from .outcome import description_of, outcome_of
from .redact import REDACTOR, redact
from .session import (
    CHECKPOINT_KEY,
    GRADEBOOK_KEY,
    HTML_REPORT_KEY,
    LAB_READY_KEY,
    SETTINGS_KEY,
    SPEC_KEY,
)
from .spec import Checkpoint, LabSpec, LabSpecError, find_spec_for, load_spec
from .verdict import CheckpointFailed


def set_up(config: pytest.Config) -> None:
    """Grade book, grade file, report and ``-n N`` hooks of a lab run (once per run)."""
    if config.stash.get(LAB_READY_KEY, False):
        return
    config.stash[LAB_READY_KEY] = True
    # pytest and its plugins are loaded for good: spare the collections that the lab's
    # imports trigger from walking them again (the lab_access fixture freezes once more).
    gc.freeze()
    # On an xdist worker: the controller's cluster, and the grade file is the controller's.
    settings = distributed.worker_settings(config, config.stash[SETTINGS_KEY])
    config.stash[SETTINGS_KEY] = settings
    config.stash[GRADEBOOK_KEY] = GradeBook(settings.lang)
    gradefile.register(config, settings.grade_json)  # rewritten as checkpoints finish
    if config.pluginmanager.hasplugin("html") and config.getoption("htmlpath", default=None):
        from . import html_report  # the report machinery only when a report is written

        html_report.register(config)
    if is_lab_run(config):
        terminal.quiet_pytest_sections(config)
        _register_lab_markers(config)
        markers.register_selected_steps(config)
    # -n N grades as a serial run does; the grade JSON's metadata.
    distributed.register(config, is_lab_run)
    for spec_path in spec_paths_in_args(config):
        add_messages_of(spec_path.parent)


def _register_lab_markers(config: pytest.Config) -> None:
    # For ``pytest --markers`` and -m before collection; collection registers the rest.
    for spec_path in spec_paths_in_args(config):
        try:
            markers.register_lab(config, load_spec(spec_path))
        except LabSpecError as exc:
            raise pytest.UsageError(str(exc)) from None


def add_messages_of(folder: Path) -> None:
    """A lab's own message keys (messages.yaml beside its lab.yaml), on top of the package's."""
    try:
        add_lab_messages(folder)
    except CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None


def register_lab_file(config: pytest.Config, spec_path: Path) -> None:
    """Markers and messages of the lab governing a test file, before pytest imports it.

    A lab's step and lab-name markers must exist then, so that ``@pytest.mark.step3``
    passes --strict-markers there too.
    """
    try:
        markers.register_lab(config, load_spec(spec_path))
    except LabSpecError as exc:
        raise pytest.UsageError(str(exc)) from None
    add_messages_of(spec_path.parent)


def catch_up(session: pytest.Session) -> None:
    """Set up a lab run found only at collection (checkpoint tests in an unexpected place).

    The hooks registered now missed ``pytest_sessionstart``; they get it here.
    """
    config = session.config
    set_up(config)
    for name in (gradefile.PLUGIN_NAME, distributed.PLUGIN_NAME):
        plugin = config.pluginmanager.get_plugin(name)
        start = getattr(plugin, "pytest_sessionstart", None)
        if start is not None:
            start(session)


def tag_and_order(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Attach spec and checkpoint to lab items, add step/lab markers, order them as the lab does."""
    lab_items: list[pytest.Item] = []
    spec_order: dict[Path, int] = {}
    book = config.stash[GRADEBOOK_KEY]
    for item in items:
        checkpoint_id = markers.checkpoint_id(item)
        if checkpoint_id is None:
            continue
        spec = _spec_for(item)
        markers.register_lab(config, spec)
        checkpoint = _checkpoint_of(item, spec, checkpoint_id)
        item.stash[SPEC_KEY] = spec
        item.stash[CHECKPOINT_KEY] = checkpoint
        # The grade file lists what is selected from it, described even before it runs.
        book.plan(item.nodeid, checkpoint, description_of(item, book.lang))
        item.add_marker(f"step{checkpoint.step}")
        item.add_marker(spec.name)
        # The labs run in their lab.yaml ``order``, then by name.
        spec_order.setdefault(spec.path, spec.order)
        lab_items.append(item)
    if not lab_items:
        return
    _publish_lab_texts(spec_order)
    # Lab order (step, then lab.yaml order), whatever the file order; other tests keep their slots.
    ordered = iter(
        sorted(
            lab_items,
            key=lambda i: (
                spec_order[i.stash[SPEC_KEY].path],
                i.stash[SPEC_KEY].name,
                i.stash[CHECKPOINT_KEY].step,
                i.stash[CHECKPOINT_KEY].order,
            ),
        )
    )
    slots = {id(i) for i in lab_items}
    items[:] = [next(ordered) if id(item) in slots else item for item in items]


def _publish_lab_texts(spec_paths: Iterable[Path]) -> None:
    # What the lab itself prints (its documented password, its commands) is public:
    # the redactor must not mask it inside a fix command a student has to run.
    for texts in messages().values():
        for text in texts.values():
            REDACTOR.publish(text)
    for path in spec_paths:
        REDACTOR.publish(path.read_text(encoding="utf-8"))


def _spec_for(item: pytest.Item) -> LabSpec:
    spec_path = find_spec_for(Path(str(item.path)))
    if spec_path is None:
        raise pytest.UsageError(f"{item.nodeid}: no lab.yaml found in its folder or above")
    try:
        return load_spec(spec_path)
    except LabSpecError as exc:
        # A broken lab.yaml is the author's mistake: say where, without a traceback.
        raise pytest.UsageError(str(exc)) from None


def _checkpoint_of(item: pytest.Item, spec: LabSpec, checkpoint_id: str) -> Checkpoint:
    try:
        return spec.checkpoint(checkpoint_id)
    except LabSpecError:
        # One line naming both sides, so the author sees at once which one to fix.
        raise pytest.UsageError(
            f"{item.nodeid}: checkpoint({checkpoint_id!r}) is not a checkpoint of {spec.path} "
            f"(its ids: {', '.join(c.id for c in spec.checkpoints)})"
        ) from None


def skip_if_blocked(item: pytest.Item) -> None:
    """Skip a checkpoint whose needs did not pass ("blocked by …")."""
    checkpoint = item.stash[CHECKPOINT_KEY]
    book = item.config.stash[GRADEBOOK_KEY]
    need = book.unmet_need(checkpoint)
    if need is not None:
        title = item.stash[SPEC_KEY].checkpoint(need).title_in(book.lang)
        pytest.skip(render("blocked.by", book.lang, id=need, title=title))


def record(item: pytest.Item, call: pytest.CallInfo[None], report: pytest.TestReport) -> None:
    """The grading makereport hook: a checkpoint test's report becomes its one outcome.

    The outcome goes into the grade book, which grades it; what pytest itself prints
    (the failure text, the JUnit properties) and the HTML report's extras are then
    written onto the report from that result, and secrets are masked in the report.
    The hook reads only this report, so it needs no place among other plugins' wrappers.
    """
    checkpoint = item.stash[CHECKPOINT_KEY]
    config = item.config
    book = config.stash[GRADEBOOK_KEY]
    lang = book.lang
    # pytest heads a failure's section with the location's last part: the checkpoint, not
    # the test function's name (four labs' tests are all called test_release).
    report.location = (report.location[0], report.location[1], headline(checkpoint, lang))
    outcome = outcome_of(item, call, report, book)
    result = book.record_outcome(outcome) if outcome is not None else None
    if result is not None:
        _tell_pytest(item, call, report, result, lang)
    _redact_report(report)
    latest = book.result_for(item.nodeid)
    html = config.stash.get(HTML_REPORT_KEY, None)
    if html is not None and latest is not None:
        html.add_extras(report, latest)
    if outcome is not None:
        distributed.send_outcome(config, report, outcome)


def _tell_pytest(
    item: pytest.Item,
    call: pytest.CallInfo[None],
    report: pytest.TestReport,
    result: Result,
    lang: str,
) -> None:
    """What pytest's own output (terminal, JUnit XML) says about a graded report."""
    checkpoint = result.checkpoint
    if result.outcome == "skipped" and isinstance(report.longrepr, tuple):
        # A "blocked by" skip is raised in the plugin; -rs should name the test instead.
        line = item.location[1]
        report.longrepr = (str(item.path), (line or 0) + 1, report.longrepr[2])
    elif call.excinfo is not None and isinstance(call.excinfo.value, CheckpointFailed):
        report.longrepr = f"{result.message}\n\n{render('label.hint', lang)}: {result.hint}"
        if result.diagnostics:
            text = diagnostics.as_text(result.diagnostics)
            report.longrepr += f"\n\n=== {render('diag.section', lang)} ===\n{text}"
    if result.details:
        # A report section reaches the terminal (-rA) and pytest-html's log.
        report.sections.append((f"kubelab: {checkpoint.id}", "\n".join(result.details)))
    # junitxml writes the properties of the item (via its teardown report).
    item.user_properties.extend(
        [
            ("checkpoint", checkpoint.id),
            ("points", str(checkpoint.points)),
            ("outcome", result.outcome),
            ("earned", str(result.earned)),
        ]
    )


def headline(checkpoint: Checkpoint, lang: str) -> str:
    """``obs.3.promtail — Promtail DaemonSet …``: how a checkpoint is named in pytest's output."""
    return f"{checkpoint.id} — {checkpoint.title_in(lang)}"


def _redact_report(report: pytest.TestReport) -> None:
    """Mask secrets in everything the terminal, JUnit XML and HTML report print."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, reason)
        report.longrepr = (longrepr[0], longrepr[1], redact(longrepr[2]))
    elif longrepr is not None:
        text = str(longrepr)
        masked = redact(text)
        if masked != text:
            report.longrepr = masked
    report.sections = [(title, redact(content)) for title, content in report.sections]


def write_summary(terminalreporter: Any, config: pytest.Config, book: GradeBook) -> None:
    """The kubelab section of the terminal summary, and the final grade file."""
    terminalreporter.section(render("summary.title", book.lang), sep="=")
    for line in terminal.summary_lines(book):
        terminalreporter.write_line(line)
    settings = config.stash[SETTINGS_KEY]
    if settings.grade_json is not None and gradefile.write_final(config):
        terminalreporter.write_line(f"kubelab: grade written to {settings.grade_json}")
