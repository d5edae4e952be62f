"""Wrong types are data, not crashes: property-based fuzzing of every object kind the checks read.

Hypothesis takes the ``complete`` scenario, substitutes wrong types (a string for a list,
a list for a mapping, a number for a string, ``null``, deep nesting) at random places of
objects of one kind, and runs every checkpoint of both labs in process against it, through
the real :class:`ClusterReader` and :class:`KubeApi` code (only the HTTP hop is skipped).
Every checkpoint must pass, fail or skip; an exception of any other kind is what the
grade file calls ``error`` and fails the property.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import json
import sys
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_kubelab import probes
from pytest_kubelab.catalog import add_lab_messages
from pytest_kubelab.grading import GradeBook
from pytest_kubelab.kube.kubeconfig import Target
from pytest_kubelab.kube.reader import ClusterReader
from pytest_kubelab.kube.transport import Answer, KubeApi, NotJsonAnswer
from pytest_kubelab.lab import ClusterAccess, Lab
from pytest_kubelab.options import LabSettings
from pytest_kubelab.session import GRADEBOOK_KEY
from pytest_kubelab.sim.apiserver import route, status_body
from pytest_kubelab.sim.scenario import Scenario, load_scenario
from pytest_kubelab.spec import Checkpoint, LabSpec, load_spec
from pytest_kubelab.verdict import CheckpointFailed, State
from pytest_kubelab.waiting import Deadline

REPO = Path(__file__).resolve().parents[2]
BASE = load_scenario("complete")


class InProcessApi(KubeApi):
    """The real KubeApi (retries, JSON and shape checks) with the simulator called directly."""

    def __init__(self, scenario: Scenario) -> None:  # no kubeconfig: nothing to load
        self.scenario = scenario
        self._start("http://in-process")
        self.bodies: dict[str, str] = {}  # path -> body, to serve a hand-made answer

    def close(self) -> None:
        return

    def _get_once(
        self, path: str, query: Sequence[tuple[str, str]], accept: str, max_bytes: int
    ) -> Answer:
        self.requests += 1
        if path in self.bodies:
            return Answer(200, "application/json", self.bodies[path])
        try:
            reply = route(self.scenario, unquote(path), dict(query), _NoHeaders())
        except Exception as exc:  # what the simulator's HTTP handler answers to its own bug
            return Answer(500, "application/json", status_body(500, "InternalError", repr(exc)))
        return Answer(reply.status, reply.content_type, reply.body)


class _NoHeaders:
    headers: dict[str, str] = {}


class _Config:
    """What Lab.require reads from the pytest config: the run's grade book."""

    def __init__(self) -> None:
        self.stash = pytest.Stash()
        self.stash[GRADEBOOK_KEY] = GradeBook("en")


class _Node:
    def __init__(self) -> None:
        self.stash = pytest.Stash()
        self.config = _Config()


def _lab_package(folder: Path) -> str:
    """Import lab ``folder`` as a package (once) and return its module name.

    Lab tests import their own checks relatively (``from .checks import grafana``), so a
    test module must be loaded as a submodule of its folder. The name is this file's own
    (``fuzz_<folder>``), so it cannot meet the name pytest gives the folder when it runs it.
    """
    name = f"fuzz_{folder.name}"
    if name in sys.modules:
        return name
    init = folder / "__init__.py"
    if init.is_file():
        package_spec = importlib.util.spec_from_file_location(
            name, init, submodule_search_locations=[str(folder)]
        )
        assert package_spec is not None and package_spec.loader is not None
        package = importlib.util.module_from_spec(package_spec)
        sys.modules[name] = package
        package_spec.loader.exec_module(package)
    else:  # a folder without __init__.py is a namespace package
        package = types.ModuleType(name)
        package.__path__ = [str(folder)]
        sys.modules[name] = package
    return name


def _checkpoint_tests() -> list[tuple[LabSpec, Checkpoint, Callable[[Lab], None]]]:
    found = []
    for lab_dir in ("lab1_observability", "lab1_kubecost"):
        folder = REPO / "tests" / lab_dir
        spec = load_spec(folder / "lab.yaml")
        add_lab_messages(folder)  # as a run does: the lab's own checks speak from there
        package = _lab_package(folder)
        for path in sorted(folder.glob("test_*.py")):
            module = importlib.import_module(f"{package}.{path.stem}")
            for name in dir(module):
                func = getattr(module, name)
                marks = [m for m in getattr(func, "pytestmark", []) if m.name == "checkpoint"]
                if name.startswith("test_") and marks:
                    found.append((spec, spec.checkpoint(marks[0].args[0]), func))
    return found


TESTS = _checkpoint_tests()
SETTINGS = LabSettings(
    kubeconfig=None,
    context="kind-lab-cluster",
    node_address="127.0.0.1",
    wait=0.0,
    deadline=900.0,
    lang="en",
    grade_json=None,
    sim=None,
)


def grade(scenario: Scenario, api: InProcessApi | None = None) -> dict[str, str]:
    """Run every checkpoint of both labs in process; checkpoint id -> outcome."""
    api = api or InProcessApi(scenario)
    access = ClusterAccess(Target(None, "kind-lab-cluster", api.server), ClusterReader(api))
    outcomes: dict[str, str] = {}
    for spec, checkpoint, func in TESTS:
        lab = Lab(
            spec=spec,
            checkpoint=checkpoint,
            settings=SETTINGS,
            access=access,
            nodeports=probes.NodePorts("127.0.0.1", {}),
            deadline=Deadline.after(900),
            node=_Node(),  # type: ignore[arg-type]
        )
        try:
            func(lab)
            outcomes[checkpoint.id] = "passed"
        except CheckpointFailed:
            outcomes[checkpoint.id] = "failed"
        except pytest.skip.Exception:
            outcomes[checkpoint.id] = "skipped"
        except Exception as exc:  # what the plugin would record as a grader error
            outcomes[checkpoint.id] = f"error: {type(exc).__name__}: {exc}"
    return outcomes


@pytest.fixture(autouse=True)
def _no_nodeports(monkeypatch: pytest.MonkeyPatch) -> None:
    """App answers over NodePorts are fuzzed elsewhere (test_fuzz_parsers); here they refuse."""
    monkeypatch.setattr(probes, "http_get", lambda url, **_: probes.NoAnswer(url, "refused"))


def test_the_in_process_grade_of_complete_passes_where_no_nodeport_is_needed() -> None:
    outcomes = grade(BASE)
    assert not [o for o in outcomes.values() if o.startswith("error")], outcomes
    assert outcomes["obs.1.nodes"] == outcomes["cost.5.hpa-production"] == "passed"
    assert len(outcomes) == 41


# Values of the wrong type for nearly any field, plus deep nesting.
def _deep(levels: int) -> Any:
    value: Any = "x"
    for _ in range(levels):
        value = [value]
    return value


WRONG = st.sampled_from(
    [
        "a string",
        "2",
        "",
        7,
        0,
        -1,
        2.5,
        True,
        False,
        None,
        [],
        ["x", 1],
        [{"a": 1}],
        {},
        {"a": {"b": 1}},
    ]
) | st.builds(_deep, st.integers(min_value=70, max_value=300))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    children = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, child in children:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


def _put(obj: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


# Kinds the checks read, and the objects of each in the scenario.
KINDS = sorted({kind for kind, _, _ in BASE.objects})
PATHS = {key: [p for p in _paths(obj) if p[0] != "kind"] for key, obj in BASE.objects.items()}


@st.composite
def mutations(
    draw: st.DrawFn, kind: str
) -> list[tuple[tuple[str, str, str], tuple[Any, ...], Any]]:
    keys = [key for key in BASE.objects if key[0] == kind and PATHS[key]]
    chosen = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        key = draw(st.sampled_from(keys))
        chosen.append((key, draw(st.sampled_from(PATHS[key])), draw(WRONG)))
    return chosen


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_wrong_types_in_any_object_never_give_an_error(kind: str, data: st.DataObject) -> None:
    changes = data.draw(mutations(kind))
    scenario = copy.copy(BASE)
    scenario.objects = dict(BASE.objects)
    for key, path, value in changes:
        mutated = copy.deepcopy(scenario.objects[key])
        try:
            _put(mutated, path, value)
        except (TypeError, KeyError, IndexError):
            continue  # an earlier change replaced what this path led through
        scenario.objects[key] = mutated
    outcomes = grade(scenario)
    errors = {cid: o for cid, o in outcomes.items() if o.startswith("error")}
    assert errors == {}, changes


def test_a_string_where_an_integer_belongs_names_the_field() -> None:
    scenario = copy.copy(BASE)
    scenario.objects = dict(BASE.objects)
    key = next(
        k for k in BASE.objects if k[0] == "HorizontalPodAutoscaler" and k[2] == "web-app-hpa"
    )
    hpa = copy.deepcopy(BASE.objects[key])
    hpa["spec"]["minReplicas"] = "2"
    scenario.objects[key] = hpa
    api = InProcessApi(scenario)
    reader = ClusterReader(api)
    with pytest.raises(CheckpointFailed) as failure:
        reader.list("HorizontalPodAutoscaler", "production")
    text = str(failure.value.msg)
    assert "spec.minReplicas" in text and "production/web-app-hpa" in text
    assert "정수 형식이어야 하는데 문자열 형식입니다 ('2')" in text
    assert failure.value.verdict.state is State.FAIL


def test_json_nested_200000_deep_is_not_json_not_a_recursion_error() -> None:
    deep = "[" * 200_000 + "]" * 200_000
    with pytest.raises(NotJsonAnswer):
        Answer(200, "application/json", deep).json()
    api = InProcessApi(BASE)
    api.bodies["/api/v1/nodes"] = json.dumps({"items": []})[:-1] + ', "x": ' + deep + "}"
    outcomes = grade(BASE, api)
    assert outcomes["obs.1.nodes"] == "failed"
    assert not [o for o in outcomes.values() if o.startswith("error")], outcomes


def test_a_non_object_answer_fails_cluster_reachable() -> None:
    api = InProcessApi(BASE)
    api.bodies["/version"] = "[1, 2, 3]"
    outcomes = grade(BASE, api)
    assert outcomes["obs.1.cluster-reachable"] == "failed"
    assert outcomes["cost.1.cluster-reachable"] == "failed"


def _with(kind: str, name: str, change: Callable[[dict[str, Any]], None]) -> Scenario:
    scenario = copy.copy(BASE)
    scenario.objects = dict(BASE.objects)
    key = next(k for k in BASE.objects if k[0] == kind and k[2] == name)
    obj = copy.deepcopy(BASE.objects[key])
    change(obj)
    scenario.objects[key] = obj
    return scenario


@pytest.mark.parametrize(
    ("kind", "name", "field", "change", "checkpoint"),
    [
        (
            "Pod",
            "web-app-5d7f9c6b8-k8x2p",
            "status.containerStatuses",
            lambda o: o["status"].update(containerStatuses="running"),
            "obs.5.web-service",
        ),
        (
            "Node",
            "lab-cluster-worker",
            "metadata.labels",
            lambda o: o["metadata"].update(labels=["kubernetes.io/os=linux"]),
            "obs.1.nodes",
        ),
        (
            "Node",
            "lab-cluster-worker2",
            "status.conditions",
            lambda o: o["status"].update(conditions={"type": "Ready", "status": "True"}),
            "obs.1.nodes",
        ),
    ],
)
def test_the_issues_wrong_types_fail_the_checkpoint_naming_the_field(
    kind: str,
    name: str,
    field: str,
    change: Callable[[dict[str, Any]], None],
    checkpoint: str,
) -> None:
    scenario = _with(kind, name, change)
    outcomes = grade(scenario)
    assert not [o for o in outcomes.values() if o.startswith("error")], outcomes
    assert outcomes[checkpoint] == "failed"
    reader = ClusterReader(InProcessApi(scenario))
    with pytest.raises(CheckpointFailed) as failure:
        reader.list(kind)
    assert f"`{field}`" in str(failure.value.msg) and name in str(failure.value.msg)
