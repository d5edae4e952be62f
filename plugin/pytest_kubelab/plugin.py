"""pytest entry point of pytest-kubelab (``pytest11: kubelab``).

Inert until asked: importing and configuring touch no cluster, and nothing here
changes a run that has no checkpoint tests. Cluster work happens in the
session fixtures of :mod:`pytest_kubelab.fixtures`, or in the simulated cluster
that ``--lab-sim`` starts.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from pathlib import Path
from typing import Any

import pytest

from . import diagnostics, distributed, gradefile, html_report, markers, terminal, timebox
from .assertions import assertion_message, is_assertion_failure
from .catalog import CatalogError, add_lab_messages, messages, render
from .causes import first_sentence, summary_of
from .fixtures import lab, lab_access, lab_deadline, lab_settings  # noqa: F401
from .grading import GradeBook, Result
from .kubeconfig import resolve
from .lab import VERDICT_KEY
from .options import add_options, read_settings
from .provision.hook import provision_session
from .provision.options import add_provision_options
from .redact import REDACTOR, redact
from .session import (
    BLOCKED_BY_KEY,
    CHECKPOINT_KEY,
    GRADEBOOK_KEY,
    NODEPORT_MAP_KEY,
    SETTINGS_KEY,
    SPEC_KEY,
)
from .simulation import SimulationHandle, start_simulation
from .spec import Checkpoint, LabSpec, LabSpecError, find_spec_for, load_spec
from .verdict import CheckpointFailed, Verdict

SIM_KEY = pytest.StashKey[SimulationHandle]()


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    add_provision_options(parser)
    from .watch import add_watch_options

    add_watch_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    markers.register(config)
    # On an xdist worker: the controller's cluster, and the grade file is the controller's.
    settings = distributed.worker_settings(config, read_settings(config))
    config.stash[SETTINGS_KEY] = settings
    config.stash[GRADEBOOK_KEY] = GradeBook(settings.lang)
    gradefile.register(config, settings.grade_json)  # rewritten as checkpoints finish
    html_report.register(config)
    from . import watch

    watch.register(config)  # --lab-watch: re-grade until all pass (settings: no waiting)
    if _is_lab_run(config):
        terminal.quiet_pytest_sections(config)
        _register_lab_markers(config)
        markers.register_selected_steps(config)
    # -n N grades as a serial run does; the grade JSON's metadata.
    distributed.register(config, _is_lab_run)
    lab_folders = [spec_path.parent for spec_path in _spec_paths_in_args(config)]
    for folder in lab_folders:
        _add_lab_messages(folder)
    if settings.sim is not None:
        from .sim.scenario import available_scenarios, use_lab_folders

        use_lab_folders(lab_folders)

        if settings.sim not in available_scenarios():
            raise pytest.UsageError(
                f"--lab-sim accepts one of: {', '.join(available_scenarios())} "
                f"(got {settings.sim!r})"
            )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash[SETTINGS_KEY]
    if settings.sim is None or hasattr(config, "workerinput"):
        return
    handle = start_simulation(settings)
    config.stash[SIM_KEY] = handle
    config.stash[SETTINGS_KEY] = handle.settings
    config.stash[NODEPORT_MAP_KEY] = handle.nodeport_map


def pytest_unconfigure(config: pytest.Config) -> None:
    timebox.start_run(None, "ko")  # no run deadline outlives its run
    handle = config.stash.get(SIM_KEY, None)
    if handle is not None:
        handle.stop()


def _is_lab_run(config: pytest.Config) -> bool:
    return config.stash[SETTINGS_KEY].sim is not None or bool(_spec_paths_in_args(config))


def _spec_paths_in_args(config: pytest.Config) -> list[Path]:
    """The ``lab.yaml`` files governing the paths on the command line (or testpaths)."""
    found: list[Path] = []
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        if not path.exists():
            continue
        if path.is_file():
            candidates = [find_spec_for(path.resolve())]
        else:
            candidates = [find_spec_for(path.resolve() / "x"), *sorted(path.glob("*/lab.yaml"))]
        found.extend(c.resolve() for c in candidates if c is not None and c.resolve() not in found)
    return found


def _register_lab_markers(config: pytest.Config) -> None:
    # For ``pytest --markers`` and -m before collection; collection registers the rest.
    for spec_path in _spec_paths_in_args(config):
        try:
            markers.register_lab(config, load_spec(spec_path))
        except LabSpecError as exc:
            raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    if not _is_lab_run(config):
        return None
    settings = config.stash[SETTINGS_KEY]
    target = resolve(settings.kubeconfig, settings.context)
    lines = [
        f"kubelab: context {target.context or '-'}, server {target.server or '-'}, "
        f"kubeconfig {target.kubeconfig or '-'}",
        f"kubelab: node address {settings.node_address}, wait {settings.wait:g}s, "
        f"deadline {settings.deadline:g}s, language {settings.lang}",
    ]
    if settings.sim is not None:
        lines.append(f"kubelab: SIMULATED cluster, scenario '{settings.sim}' (not a real cluster)")
    return lines


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # tryfirst: the step/lab markers must exist before `-m` deselects items.
    lab_items: list[pytest.Item] = []
    spec_order: dict[Path, int] = {}
    for item in items:
        checkpoint_id = markers.checkpoint_id(item)
        if checkpoint_id is None:
            continue
        spec = _spec_for(item)
        markers.register_lab(config, spec)
        checkpoint = _checkpoint_of(item, spec, checkpoint_id)
        item.stash[SPEC_KEY] = spec
        item.stash[CHECKPOINT_KEY] = checkpoint
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


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # --lab-provision builds the selected steps once the selection (-m/-k) is final.
    provision_session(session)


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


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    # A lab's step and lab-name markers must exist before pytest imports its test
    # modules, so that ``@pytest.mark.step3`` passes --strict-markers there too.
    if file_path.suffix != ".py":
        return
    spec_path = find_spec_for(file_path)
    if spec_path is not None:
        try:
            markers.register_lab(parent.config, load_spec(spec_path))
        except LabSpecError as exc:
            raise pytest.UsageError(str(exc)) from None
        _add_lab_messages(spec_path.parent)


def _add_lab_messages(folder: Path) -> None:
    # A lab's own message keys (messages.yaml beside its lab.yaml), on top of the package's.
    try:
        add_lab_messages(folder)
    except CatalogError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_runtest_setup(item: pytest.Item) -> None:
    checkpoint = item.stash.get(CHECKPOINT_KEY, None)
    if checkpoint is None:
        return
    book = item.config.stash[GRADEBOOK_KEY]
    spec = item.stash[SPEC_KEY]
    for need in checkpoint.needs:
        outcome = book.outcome_of(need)
        # A need that did not run in this session (deselected) does not block:
        # the checkpoint then reports the real state itself.
        if outcome is not None and outcome != "passed":
            title = spec.checkpoint(need).title_in(book.lang)
            item.stash[BLOCKED_BY_KEY] = need
            pytest.skip(render("blocked.by", book.lang, id=need, title=title))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    checkpoint = item.stash.get(CHECKPOINT_KEY, None)
    if checkpoint is None:
        return report
    book = item.config.stash[GRADEBOOK_KEY]
    lang = book.lang
    hint = checkpoint.hint_in(lang)
    # pytest heads a failure's section with the location's last part: the checkpoint, not
    # the test function's name (four labs' tests are all called test_release).
    report.location = (report.location[0], report.location[1], headline(checkpoint, lang))
    result: Result | None = None
    if report.when == "call" and report.passed:
        verdict = item.stash.get(VERDICT_KEY, None)
        message = redact(verdict.render(lang)) if verdict else ""
        result = Result(checkpoint, "passed", message, hint, _details(verdict))
    elif report.skipped and report.when in ("setup", "call"):
        blocker = item.stash.get(BLOCKED_BY_KEY, None)
        result = Result(checkpoint, "skipped", redact(_skip_reason(report)), hint, cause=blocker)
        if isinstance(report.longrepr, tuple):
            # A "blocked by" skip is raised in this module; -rs should name the test instead.
            line = item.location[1]
            report.longrepr = (str(item.path), (line or 0) + 1, report.longrepr[2])
    elif report.failed and call.excinfo is not None:
        if isinstance(call.excinfo.value, CheckpointFailed):
            failure = call.excinfo.value
            message = redact(str(failure.msg))
            details = _details(failure.verdict)
            summary = redact(summary_of(failure.verdict, lang))
            result = Result(checkpoint, "failed", message, hint, details, failure.cause, summary)
            report.longrepr = f"{message}\n\n{render('label.hint', lang)}: {hint}"
            found = diagnostics.for_failure(item, call.excinfo.value.verdict, lang)
            if found is not None:
                report.longrepr += f"\n\n=== {render('diag.section', lang)} ===\n{found.as_text()}"
        elif is_assertion_failure(call.excinfo.value):
            # An instructor's plain assert: the student's failure, with the author's words.
            message = redact(assertion_message(call.excinfo.value))
            result = Result(checkpoint, "failed", message, hint, summary=first_sentence(message))
        else:
            error = redact(f"{call.excinfo.typename}: {call.excinfo.value}")
            result = Result(checkpoint, "error", render("grader.error", lang, error=error), hint)
    if result is not None and result.details:
        # A report section reaches the terminal (-rA) and pytest-html's log.
        report.sections.append((f"kubelab: {checkpoint.id}", "\n".join(result.details)))
    _redact_report(report)
    if result is not None:
        book.record(result)
        # junitxml writes the properties of the item (via its teardown report).
        item.user_properties.extend(
            [
                ("checkpoint", checkpoint.id),
                ("points", str(checkpoint.points)),
                ("outcome", result.outcome),
                ("earned", str(result.earned)),
            ]
        )
    return report


def headline(checkpoint: Checkpoint, lang: str) -> str:
    """``obs.3.promtail — Promtail DaemonSet …``: how a checkpoint is named in pytest's output."""
    return f"{checkpoint.id} — {checkpoint.title_in(lang)}"


def _details(verdict: Verdict | None) -> tuple[str, ...]:
    return tuple(redact(line) for line in verdict.details) if verdict else ()


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


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr: Any = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    book = config.stash.get(GRADEBOOK_KEY, None)
    if book is None or not book.results:
        return
    terminalreporter.section(render("summary.title", book.lang), sep="=")
    for line in terminal.summary_lines(book):
        terminalreporter.write_line(line)
    settings = config.stash[SETTINGS_KEY]
    if settings.grade_json is not None and gradefile.write_final(config):
        terminalreporter.write_line(f"kubelab: grade written to {settings.grade_json}")
