"""pytest entry point of pytest-kubelab (``pytest11: kubelab``).

Inert until asked, and free when not asked: installed in an unrelated project it
adds only its options, markers and fixtures, and importing it loads nothing but
those definitions (the ``pytest --collect-only`` cost is measured by
``bench/run.py``). The grading machinery (:mod:`pytest_kubelab.labrun`) is set up
in ``pytest_configure`` when the run grades a lab (see
:mod:`pytest_kubelab.labdetect`), or at collection when checkpoint tests turn
up anyway. The simulator is loaded only with ``--lab-sim``, provisioning only
with ``--lab-provision``, the HTML report hooks only with ``--html``, and the
kubernetes client only when a checkpoint first reads the cluster.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

# _plain_loading comes first: the modules imported after it skip assertion rewriting.
from . import _plain_loading, markers  # noqa: F401
from .fixtures import (  # noqa: F401
    lab,
    lab_access,
    lab_deadline,
    lab_install,
    lab_settings,
    lab_step,
)
from .labdetect import is_lab_run, spec_for, spec_paths_in_args
from .options import add_options, read_settings
from .provision.options import add_provision_options, provision_requested
from .session import (
    CHECKPOINT_KEY,
    GRADEBOOK_KEY,
    LAB_READY_KEY,
    NODEPORT_MAP_KEY,
    SETTINGS_KEY,
    SIM_KEY,
)
from .sessionscope import open_scope


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)
    add_provision_options(parser)
    from .watch import add_watch_options

    add_watch_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    open_scope(config)  # this run's redactor, lab messages and spec cache
    markers.register(config)
    config.stash[SETTINGS_KEY] = read_settings(config)
    if provision_requested(config):
        from .provision.hook import refuse_parallel

        refuse_parallel(config)
    if _wants_lab_machinery(config):
        from . import labrun

        labrun.set_up(config)
    from . import watch

    watch.register(config)  # --lab-watch: re-grade until all pass (settings: no waiting)
    settings = config.stash[SETTINGS_KEY]
    if settings.sim is not None:
        from .sim.scenario import ScenarioError, available_scenarios, use_lab_folders

        try:
            use_lab_folders([spec_path.parent for spec_path in spec_paths_in_args(config)])
        except ScenarioError as exc:
            raise pytest.UsageError(f"--lab-sim: {exc}") from None
        if settings.sim not in available_scenarios():
            raise pytest.UsageError(
                f"--lab-sim accepts one of: {', '.join(available_scenarios())} "
                f"(got {settings.sim!r})"
            )


def _wants_lab_machinery(config: pytest.Config) -> bool:
    # A grade file, an xdist worker of a lab run or provisioning need the grade book
    # even before any checkpoint test is collected.
    settings = config.stash[SETTINGS_KEY]
    worker_of_lab = "kubelab" in getattr(config, "workerinput", {})  # distributed.WORKERINPUT_KEY
    return (
        is_lab_run(config)
        or settings.grade_json is not None
        or worker_of_lab
        or provision_requested(config)
    )


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    config = session.config
    settings = config.stash[SETTINGS_KEY]
    if settings.sim is None or hasattr(config, "workerinput"):
        return
    from .simulation import start_simulation

    handle = start_simulation(settings)
    config.stash[SIM_KEY] = handle
    config.stash[SETTINGS_KEY] = handle.settings
    config.stash[NODEPORT_MAP_KEY] = handle.nodeport_map


def pytest_unconfigure(config: pytest.Config) -> None:
    if config.stash.get(LAB_READY_KEY, False):
        from . import timebox

        timebox.start_run(None, "ko")  # no run deadline outlives its run
    handle = config.stash.get(SIM_KEY, None)
    if handle is not None:
        handle.stop()


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    if not is_lab_run(config):
        return None
    from .kube.kubeconfig import resolve

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
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # tryfirst: the step/lab markers must exist before `-m` deselects items.
    if not any(markers.checkpoint_id(item) is not None for item in items):
        return
    from . import labrun

    if not config.stash.get(LAB_READY_KEY, False):
        labrun.catch_up(session)
    labrun.tag_and_order(config, items)


@pytest.hookimpl(trylast=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    # --lab-provision builds the selected steps once the selection (-m/-k) is final.
    if provision_requested(session.config):
        from .provision.hook import prepare_build

        prepare_build(session)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> None:
    # A lab's step and lab-name markers must exist before pytest imports its test modules.
    if file_path.suffix != ".py":
        return
    spec_path = spec_for(file_path)
    if spec_path is not None:
        from . import labrun

        labrun.register_lab_file(parent.config, spec_path)


def pytest_runtest_setup(item: pytest.Item) -> None:
    if CHECKPOINT_KEY in item.stash:
        from . import labrun

        labrun.skip_if_blocked(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if CHECKPOINT_KEY in item.stash:
        from . import labrun

        labrun.record(item, call, report)
    return report


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    book = config.stash.get(GRADEBOOK_KEY, None)
    if book is None or not book.results:
        return
    from . import labrun

    labrun.write_summary(terminalreporter, config, book)
