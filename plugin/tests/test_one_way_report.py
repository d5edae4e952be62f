"""One way through the report: outcome → grade book → results → every reporter.

A checkpoint test leaves one outcome, made by the grading makereport hook; the grade
book turns it into a result; the terminal summary, the grade JSON, the JUnit
properties and the HTML report read only results from the book. These tests hold
the reporters to that: they report from a grade book alone, with test reports that
never belonged to a collected item, and their source reads no item stash, no
fixture and wraps no hook of another plugin.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from pytest_kubelab import distributed, gradefile, html_report, terminal
from pytest_kubelab.grading import GradeBook, Outcome
from pytest_kubelab.session import GRADEBOOK_KEY
from pytest_kubelab.spec import LabSpec, load_spec

REPO = Path(__file__).resolve().parents[2]
OBS_YAML = REPO / "tests" / "lab1_observability" / "lab.yaml"
PACKAGE = REPO / "plugin" / "pytest_kubelab"
# The modules that turn results into what a student or CI reads.
REPORTERS = ("grading.py", "terminal.py", "gradefile.py", "html_report.py")
# What reaching into a test item looks like: its stash, its fixtures, its reports' hooks.
ITEM_ACCESS = ("CHECKPOINT_KEY", "SPEC_KEY", "funcargs", "getfixturevalue", "user_properties")
WRAPPED_HOOKS = ("pytest_runtest_makereport", "pytest_runtest_logreport")


class _Config:
    """Only what a reporter may read: the config's stash with the grade book in it."""

    def __init__(self, book: GradeBook) -> None:
        self.stash = pytest.Stash()
        self.stash[GRADEBOOK_KEY] = book
        self.pluginmanager = None


@pytest.fixture(scope="module")
def obs() -> LabSpec:
    return load_spec(OBS_YAML)


def _book(obs: LabSpec) -> GradeBook:
    book = GradeBook("en")
    nodes = "test_nodes.py::test_nodes"
    ready = "test_nodes.py::test_nodes_ready"
    book.plan(nodes, obs.checkpoint("obs.1.nodes"))
    book.plan(ready, obs.checkpoint("obs.1.nodes-ready"))
    book.record_outcome(
        Outcome(nodes, obs.checkpoint("obs.1.nodes"), OBS_YAML, "passed", "2 nodes.")
    )
    book.record_outcome(
        Outcome(
            ready,
            obs.checkpoint("obs.1.nodes-ready"),
            OBS_YAML,
            "failed",
            "worker2 is not Ready.",
            summary="worker2 is not Ready.",
            diagnostics=(("kubectl get nodes", "lab-cluster-worker2   NotReady"),),
        )
    )
    return book


def _report(nodeid: str, when: str, outcome: str) -> pytest.TestReport:
    # A report no collected item stands behind: whatever a reporter shows must come from the book.
    return pytest.TestReport(nodeid, ("x.py", 0, nodeid), {}, outcome, None, when)


def test_the_book_grades_outcomes_into_results(obs: LabSpec) -> None:
    book = _book(obs)
    passed = book.result_for("test_nodes.py::test_nodes")
    failed = book.result_for("test_nodes.py::test_nodes_ready")
    assert passed is not None and passed.earned == obs.checkpoint("obs.1.nodes").points
    assert failed is not None and failed.earned == 0
    assert failed.hint == obs.checkpoint("obs.1.nodes-ready").hint_in("en")
    assert failed.diagnostics == (("kubectl get nodes", "lab-cluster-worker2   NotReady"),)
    assert book.result_for("test_other.py::test_unrelated") is None
    assert book.specs["observability"] is obs
    assert [c.id for c in book.selected(["test_nodes.py::test_nodes_ready"])] == [
        "obs.1.nodes-ready"
    ]


def test_a_need_that_failed_blocks_and_is_the_cause(obs: LabSpec) -> None:
    book = GradeBook("en")
    reachable = obs.checkpoint("obs.1.cluster-reachable")
    book.record_outcome(Outcome("t.py::reachable", reachable, OBS_YAML, "failed", "no API"))
    blocked = next(c for c in obs.checkpoints if reachable.id in c.needs)
    assert book.unmet_need(blocked) == reachable.id
    outcome = Outcome("t.py::t", blocked, OBS_YAML, "skipped", "blocked", blocked_by=reachable.id)
    assert book.record_outcome(outcome).cause == reachable.id
    assert book.root_of(book.results[blocked.id]).checkpoint is reachable


def test_terminal_and_grade_file_report_from_the_book_alone(obs: LabSpec) -> None:
    book = _book(obs)
    lines = terminal.summary_lines(book)
    assert any("obs.1.nodes-ready" in line and "✗" in line for line in lines)
    grade = gradefile.GradeFile(_Config(book), Path("unused.json")).grade()  # type: ignore[arg-type]
    assert [c["outcome"] for c in grade["checkpoints"]] == ["passed", "failed"]
    assert grade["score"] == obs.checkpoint("obs.1.nodes").points


def test_html_rows_and_extras_come_from_the_book(obs: LabSpec) -> None:
    pytest.importorskip("pytest_html")
    book = _book(obs)
    report = html_report.HtmlReport(_Config(book))  # type: ignore[arg-type]
    cells = ['<td class="col-result">Failed</td>', "<td>id</td>", "<td>1 ms</td>"]
    call = _report("test_nodes.py::test_nodes_ready", "call", "failed")
    report.pytest_html_results_table_row(call, cells)
    assert "obs.1.nodes-ready" in cells[1] and "0/" in cells[4]
    assert 'href="#kl-obs.1.nodes-ready"' in cells[5]
    passed = _report("test_nodes.py::test_nodes", "call", "passed")
    result = book.result_for(passed.nodeid)
    assert result is not None
    report.add_extras(passed, result)
    assert "2 nodes." in passed.extras[0]["content"]  # type: ignore[attr-defined]
    unrelated = ['<td class="col-result">Passed</td>', "<td>id</td>", "<td>1 ms</td>"]
    report.pytest_html_results_table_row(_report("t.py::t", "call", "passed"), unrelated)
    assert unrelated[2:6] == ["<td></td>"] * 4
    summary: list[str] = []
    report.pytest_html_results_summary(summary, [], [], None)  # type: ignore[arg-type]
    assert "lab-cluster-worker2   NotReady" in summary[-1]


def test_an_outcome_crosses_from_a_worker_unchanged(obs: LabSpec) -> None:
    outcome = _book(obs).outcomes["test_nodes.py::test_nodes_ready"]
    sent = json.loads(json.dumps(distributed.outcome_payload(outcome)))
    assert distributed.outcome_from_payload(sent) == outcome


def _hook_decorators(tree: ast.Module) -> list[tuple[str, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("pytest_"):
            found += [(node.name, ast.unparse(d)) for d in node.decorator_list]
    return found


@pytest.mark.parametrize("module", REPORTERS)
def test_reporters_read_no_item_and_wrap_no_report_hook(module: str) -> None:
    source = (PACKAGE / module).read_text(encoding="utf-8")
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not names & set(ITEM_ACCESS), f"{module} reaches into a test item"
    assert "item.stash" not in source
    for hook, decorator in _hook_decorators(tree):
        assert hook not in WRAPPED_HOOKS, f"{module} implements {hook}"
        assert "wrapper" not in decorator, f"{module}: {hook} is a wrapper"


def test_one_makereport_hook_grades() -> None:
    """Only the entry point implements makereport (it calls labrun.record); no other module
    of the package needs a place among the wrappers to see a checkpoint's data."""
    implementing = [
        path.name
        for path in PACKAGE.rglob("*.py")
        if "def pytest_runtest_makereport" in path.read_text(encoding="utf-8")
    ]
    assert implementing == ["plugin.py"]
