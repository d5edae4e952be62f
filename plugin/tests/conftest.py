"""Shared helpers of the plugin self-tests.

``run_lab`` runs the real lab spec (``tests/lab1_*``) in a pytester sandbox
against a simulated scenario and returns the outcome plus the grade JSON.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]
LABS = ("lab1_observability", "lab1_kubecost")


@dataclass
class LabRun:
    """The result of one inner pytest run of the lab spec."""

    result: pytest.RunResult
    grade: dict[str, Any]

    def outcomes(self) -> dict[str, str]:
        """Checkpoint id → outcome."""
        return {c["id"]: c["outcome"] for c in self.grade["checkpoints"]}

    def checkpoint(self, checkpoint_id: str) -> dict[str, Any]:
        return next(c for c in self.grade["checkpoints"] if c["id"] == checkpoint_id)

    @property
    def text(self) -> str:
        return self.result.stdout.str() + self.result.stderr.str()


# `pytest plugin/tests` runs on this many xdist workers unless -n is given (-n 0: serially).
# More than the cores: with the lab runs in-process, a worker spends about two thirds of
# its time waiting (simulated deadlines, trickling servers, re-checks), not on the CPU.
# On 2 cores, 6 workers took 2:11 where 4 took 2:27 and 8 took 2:10.
DEFAULT_WORKERS = 6


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """Parallel by default; only this folder's runs (the lab runs students start are not)."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return
    if (
        config.option.numprocesses is None
        and not config.getoption("usepdb", False)
        and not config.getoption("collectonly", False)
    ):
        config.option.numprocesses = DEFAULT_WORKERS
    if config.option.numprocesses and config.option.dist == "no":
        # xdist's default ("load") hands each worker a run of consecutive tests up front;
        # one worker then ends alone with a queue of inner lab runs. Idle workers steal.
        config.option.dist = "worksteal"


# The self-tests that take longest by the clock (measured with --durations), started
# first so that no worker picks one up last while the others idle; the rest keep their order.
LONGEST_FIRST = (
    "test_xdist_equivalence.py",
    "test_hardening_time.py",
    "test_readonly_and_secrets.py",
    "test_faults.py",
    "test_watch.py",
    "test_class_command.py",
    "test_lazy_setup.py",
    "test_lab_kubecost.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {name: index for index, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def _inner_bytecode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bytecode cache outside the source tree for every inner run of this session."""
    return tmp_path_factory.getbasetemp() / "pycache"


@pytest.fixture(autouse=True)
def _quiet_inner_runs(monkeypatch: pytest.MonkeyPatch, _inner_bytecode: Path) -> None:
    """Inner pytest runs skip hypothesis' plugin (it adds seconds of start-up) and the cache.

    With ``PYTHONDONTWRITEBYTECODE`` set (as in many containers) each inner subprocess
    would compile pytest and the plugin from source again, about 15 % of its CPU; they
    share a bytecode cache under the session's temporary folder instead.
    """
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:hypothesispytest -p no:cacheprovider")
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(_inner_bytecode))


def use_built_in_scenarios() -> None:
    """Let in-process simulator tests find the scenarios of the built-in labs.

    The package ships no scenario; ``--lab-sim`` finds them beside the loaded lab folders.
    """
    from pytest_kubelab.sim.scenario import use_lab_folders

    use_lab_folders([REPO / "tests" / lab for lab in LABS])


def load_every_lab_message() -> None:
    """Register the messages of every lab folder of the repository (the built-in labs and the
    example), so message self-tests hold them to the same rules as the package's own."""
    from pytest_kubelab.catalog import add_lab_messages

    for folder in (REPO / "examples" / "webapp_lab", *(REPO / "tests" / lab for lab in LABS)):
        add_lab_messages(folder)


def pytest_configure(config: pytest.Config) -> None:
    """This run (and each xdist worker) finds the built-in labs' scenarios, from collection on:
    some self-tests are parametrized over them. The list is per run, so a lab run started
    in-process by a test keeps its own and leaves this one as it was."""
    from pytest_kubelab.sessionscope import open_scope

    open_scope(config)  # conftest hooks run before the plugin's, which would open it later
    use_built_in_scenarios()


@pytest.fixture
def lab_copy(pytester: pytest.Pytester) -> Path:
    """A copy of the lab spec and the project's pytest settings inside the sandbox."""
    # The labs and the scenarios of the cluster they share (tests/scenarios).
    for folder in (*LABS, "scenarios"):
        shutil.copytree(
            REPO / "tests" / folder,
            pytester.path / "tests" / folder,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(REPO / "pyproject.toml", pytester.path / "pyproject.toml")
    return pytester.path


# Imported once by the self-test process before its first in-process lab run. pytester
# drops every module an in-process run imports when the run ends, so whatever the first
# run imports would be imported (and, for pytest plugins' packages, assertion-rewritten)
# again by every run: about 1 s of CPU each. Modules loaded before are kept.
SHARED_MODULES = (
    "hypothesis",  # its pytest plugin imports it at the end of every run
    "jsonschema",
    "kubernetes.client",
    "kubernetes.config",
    "pytest_html.report",
    "pytest_html.report_data",
)


@pytest.fixture(scope="session", autouse=True)
def _shared_modules() -> None:
    """Every module of the plugin and the libraries a lab run uses, imported once."""
    import pytest_kubelab

    for module in pkgutil.walk_packages(pytest_kubelab.__path__, "pytest_kubelab."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    for name in SHARED_MODULES:
        importlib.import_module(name)


@pytest.fixture
def run_lab(pytester: pytest.Pytester, lab_copy: Path) -> Callable[..., LabRun]:
    """Run the lab spec on ``--lab-sim SCENARIO`` (plus extra args); returns a :class:`LabRun`.

    The run is a pytest session inside this process (``pytester.runpytest_inprocess``),
    with state of its own (:mod:`pytest_kubelab.sessionscope`); ``subprocess=True`` runs
    it as a student would, in a process of its own, for what only a process shows
    (signals, start-up imports, file descriptors).
    """

    def run(
        scenario: str, *args: str, labs: tuple[str, ...] = LABS, subprocess: bool = False
    ) -> LabRun:
        grade_path = lab_copy / f"grade-{scenario}.json"
        paths = [str(lab_copy / "tests" / lab) for lab in labs]
        runner = pytester.runpytest_subprocess if subprocess else pytester.runpytest_inprocess
        result = runner(
            *paths,
            "--lab-sim",
            scenario,
            "--grade-json",
            str(grade_path),
            "--lab-wait",
            "5",
            "-p",
            "no:cacheprovider",
            *args,
        )
        grade = json.loads(grade_path.read_text(encoding="utf-8")) if grade_path.exists() else {}
        return LabRun(result, grade)

    return run


class FakeConfig:
    """What :func:`sessionscope.open_scope` uses of a ``pytest.Config``."""

    def __init__(self) -> None:
        self.stash = pytest.Stash()
        self.cleanups: list[Callable[[], None]] = []

    def add_cleanup(self, func: Callable[[], None]) -> None:
        self.cleanups.append(func)

    def close(self) -> None:
        for func in reversed(self.cleanups):
            func()


@pytest.fixture
def outer_run() -> Iterator[None]:
    """A scope of its own for this test, standing for the run that starts the inner ones.

    Without it the test would leave its lab messages, secrets or scenario folders in the
    scope of the self-test run, for every later test of this worker to see.
    """
    config = FakeConfig()
    from pytest_kubelab import sessionscope

    sessionscope.open_scope(config)  # type: ignore[arg-type]
    yield
    config.close()


def ctrl_c_reaches_the_child() -> None:
    """``preexec_fn`` for a child that a test stops with SIGINT, as Ctrl-C would.

    A shell without job control starts background commands with SIGINT ignored, and a
    child inherits that; Python then installs no KeyboardInterrupt handler, so the child
    would never see the test's Ctrl-C. The default disposition gives the child Python's own.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
