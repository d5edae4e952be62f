"""Grading under pytest-xdist (``pytest -n N``) gives exactly the grade of a serial run.

Three things make that hold:

* **One lab, one worker.** ``needs`` (blocking) and ``causes`` (naming the likely
  earlier failure) read the results that came before in the same process, so every
  checkpoint of a lab runs on the same worker, in lab order. The plugin provides
  xdist's scheduler (``pytest_xdist_make_scheduler``) for the ``load``, ``loadscope``,
  ``loadfile``, ``loadgroup`` and ``worksteal`` modes: a lab is one unit of work; other
  tests are distributed one by one as ``--dist load`` does. ``--dist each`` (every
  worker runs everything) is left alone.
* **The controller keeps the grade book.** Each worker attaches the checkpoint's outcome
  to the test report it sends (``report.kubelab_result``); the controller records it
  in its own grade book as it reads the report back (``pytest_report_from_serializable``,
  before any hook sees the report) and keeps the book in collection order. The grade JSON, the
  score summary and the JUnit XML are written by the controller only; workers never
  write the grade file.
* **Workers grade the controller's cluster.** With ``--lab-sim`` the simulator runs in
  the controller; its kubeconfig, context and NodePort map reach the workers through
  ``workerinput``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from .grading import GradeBook, Outcome
from .kube.kubeconfig import resolve
from .options import LabSettings
from .session import GRADEBOOK_KEY, NODEPORT_MAP_KEY, SETTINGS_KEY, SPEC_KEY
from .spec import find_spec_for, load_spec

PLUGIN_NAME = "kubelab-distributed"
WORKERINPUT_KEY = "kubelab"
REPORT_ATTRIBUTE = "kubelab_result"
# The modes in which each test runs once, on some worker: the lab grouping applies.
GROUPED_MODES = ("load", "loadscope", "loadfile", "loadgroup", "worksteal")


def is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def worker_settings(config: pytest.Config, settings: LabSettings) -> LabSettings:
    """On an xdist worker: the controller's cluster, and no grade file of its own.

    Elsewhere ``settings`` are returned unchanged.
    """
    if not is_worker(config):
        return settings
    given: dict[str, Any] = getattr(config, "workerinput", {}).get(WORKERINPUT_KEY) or {}
    if "kubeconfig" in given:
        kubeconfig = given["kubeconfig"]
        settings = replace(
            settings,
            kubeconfig=Path(kubeconfig) if kubeconfig else None,
            context=given.get("context"),
            node_address=str(given.get("node_address") or settings.node_address),
        )
    if given.get("nodeport_map"):
        config.stash[NODEPORT_MAP_KEY] = {int(k): int(v) for k, v in given["nodeport_map"]}
    # Only the controller sees every worker's results, so only it writes the grade.
    return replace(settings, grade_json=None)


def outcome_payload(outcome: Outcome) -> dict[str, Any]:
    """An outcome as plain data that xdist can send from a worker to the controller."""
    return {
        "nodeid": outcome.nodeid,
        "lab_yaml": str(outcome.lab_yaml),
        "id": outcome.checkpoint.id,
        "outcome": outcome.outcome,
        "message": outcome.message,
        "details": list(outcome.details),
        "cause": outcome.cause,
        "blocked_by": outcome.blocked_by,
        "summary": outcome.summary,
        "diagnostics": [list(section) for section in outcome.diagnostics],
        "verdict": outcome.verdict,
        "timed_out": outcome.timed_out,
        "duration": outcome.duration,
        "description": outcome.description,
    }


def outcome_from_payload(data: dict[str, Any]) -> Outcome:
    """The inverse of :func:`outcome_payload` (the lab.yaml is read from the same disk)."""
    spec_path = Path(data["lab_yaml"])
    return Outcome(
        nodeid=str(data["nodeid"]),
        checkpoint=load_spec(spec_path).checkpoint(str(data["id"])),
        lab_yaml=spec_path,
        outcome=str(data["outcome"]),
        message=str(data.get("message") or ""),
        details=tuple(str(line) for line in data.get("details") or ()),
        cause=data.get("cause"),
        blocked_by=data.get("blocked_by"),
        summary=str(data.get("summary") or ""),
        diagnostics=tuple((str(t), str(x)) for t, x in data.get("diagnostics") or ()),
        verdict=data.get("verdict"),
        timed_out=bool(data.get("timed_out")),
        duration=float(data.get("duration") or 0.0),
        description=str(data.get("description") or ""),
    )


def send_outcome(config: pytest.Config, report: pytest.TestReport, outcome: Outcome) -> None:
    """On an xdist worker: the outcome this report decided travels with it to the controller."""
    if is_worker(config):
        setattr(report, REPORT_ATTRIBUTE, outcome_payload(outcome))


class LabScheduling:
    """Factory of xdist's scope scheduler, with one scope per lab (imported lazily)."""

    @staticmethod
    def create(config: pytest.Config, log: Any) -> Any:
        from xdist.scheduler import LoadScopeScheduling

        root = config.rootpath

        class _ByLab(LoadScopeScheduling):  # type: ignore[misc]
            """Every checkpoint of one lab is one unit of work; other tests go one by one."""

            def _split_scope(self, nodeid: str) -> str:
                spec = find_spec_for(root / nodeid.split("::")[0])
                return f"kubelab:{spec}" if spec is not None else nodeid

        return _ByLab(config, log)


class DistributedGrading:
    """Hooks that keep ``-n N`` grading equal to a serial run (see the module docstring)."""

    def __init__(self, config: pytest.Config, is_lab_run: Callable[[pytest.Config], bool]) -> None:
        self.config = config
        self.is_lab_run = is_lab_run
        self.positions: dict[str, int] = {}  # nodeid -> place in the collection
        self.checkpoint_positions: dict[str, int] = {}  # checkpoint id -> place
        self.junit_reordered = False

    @property
    def book(self) -> GradeBook:
        return self.config.stash[GRADEBOOK_KEY]

    # --- every run: what the grade JSON's meta block says -----------------------------

    @pytest.hookimpl(trylast=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # trylast: after --lab-sim has pointed the settings at the simulated cluster.
        settings = self.config.stash[SETTINGS_KEY]
        target = resolve(settings.kubeconfig, settings.context)
        book = self.book
        book.student = settings.student
        book.context = target.context
        book.server = target.server
        book.root = self.config.rootpath

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            spec = item.stash.get(SPEC_KEY, None)
            if spec is not None:
                self.book.add_lab(spec.name, spec.path)

    # --- controller -------------------------------------------------------------------

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        # Other projects' `-n` runs keep xdist's own scheduling: the plugin stays inert.
        if config.getvalue("dist") not in GROUPED_MODES or not self.is_lab_run(config):
            return None
        return LabScheduling.create(config, log)

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        settings = self.config.stash[SETTINGS_KEY]
        if settings.sim is None:
            return  # workers read the same options, environment and ini as the controller
        node.workerinput[WORKERINPUT_KEY] = {
            "kubeconfig": str(settings.kubeconfig) if settings.kubeconfig else None,
            "context": settings.context,
            "node_address": settings.node_address,
            "nodeport_map": sorted(self.config.stash.get(NODEPORT_MAP_KEY, {}).items()),
        }

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: Sequence[str]) -> None:
        # Every worker collects the same tests in the same (lab) order.
        if not self.positions:
            self.positions = {nodeid: index for index, nodeid in enumerate(ids)}

    @pytest.hookimpl(wrapper=True)
    def pytest_report_from_serializable(
        self, config: pytest.Config, data: dict[str, Any]
    ) -> Generator[None, object, object]:
        # A worker's report is read back here before any hook (summary, HTML report,
        # grade file) sees it: its outcome is in the book by then, whatever their order.
        report = yield
        payload = getattr(report, REPORT_ATTRIBUTE, None)
        if is_worker(self.config) or not isinstance(payload, dict):
            return report
        book = self.book
        result = book.record_outcome(outcome_from_payload(payload))
        nodeid = str(payload["nodeid"])
        self.checkpoint_positions[result.checkpoint.id] = self.positions.get(
            nodeid, len(self.positions) + len(self.checkpoint_positions)
        )
        # A serial run records in collection order; workers finish in any order.
        book.reorder(sorted(book.results, key=lambda cid: self.checkpoint_positions[cid]))
        return report

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        # The controller's loop ends when every worker's last report is in, and junitxml
        # writes its file at session finish: ordering the test cases here needs no place
        # among the session-finish hooks. Interrupted or not, the cases that arrived count.
        try:
            return (yield)
        finally:
            self._order_junit()

    def _order_junit(self) -> None:
        if is_worker(self.config) or not self.positions or not self.checkpoint_positions:
            return  # not a distributed lab run: junitxml's order stays as it is
        # junitxml writes test cases in the order reports arrived; a serial run writes
        # them in collection order. Its objects are internal to pytest, hence the care:
        # a finished test case keeps only its XML element (classname, name).
        from _pytest.junitxml import mangle_test_address, xml_key

        xml = self.config.stash.get(xml_key, None)
        ordered = getattr(xml, "node_reporters_ordered", None)
        if not isinstance(ordered, list):
            return
        prefix = getattr(xml, "prefix", None)
        places: dict[tuple[str, str], int] = {}
        for nodeid, index in self.positions.items():
            names = mangle_test_address(nodeid)
            classnames = ([prefix] if prefix else []) + names[:-1]
            places.setdefault((".".join(classnames), names[-1]), index)
        last = len(self.positions)

        def place(reporter: Any) -> int:
            try:
                element = reporter.to_xml()
            except Exception:  # an unfinished or unknown reporter goes last
                return last
            return places.get((element.get("classname"), element.get("name")), last)

        ordered.sort(key=place)
        self.junit_reordered = True


def register(config: pytest.Config, is_lab_run: Callable[[pytest.Config], bool]) -> None:
    """Add the hooks once per run (they do nothing without xdist but note the metadata).

    ``is_lab_run`` tells whether the run grades a lab; only then is xdist's
    scheduling replaced.
    """
    if not config.pluginmanager.has_plugin(PLUGIN_NAME):
        config.pluginmanager.register(DistributedGrading(config, is_lab_run), PLUGIN_NAME)
