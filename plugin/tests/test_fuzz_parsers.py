"""Property tests: the parsers that read cluster data survive any input they may meet.

Random and mutated inputs are fed to the scenario loader (only ``ScenarioError`` may
escape), label selector parsing (only ``SelectorError``) and pod diagnosis (never
raises on mutated real pods). ``MAX_EXAMPLES`` per property is fixed so the number of
cases tried is known (run with ``--hypothesis-show-statistics`` to see them).

The cluster-data readers are fuzzed too: resource quantities (only ``ValueError``), the
Kubecost allocation validator (only ``AllocationError``) and the Grafana, Prometheus, Loki
and Jaeger answer readers (only ``readers.MalformedAnswer``), each fed random text and
mutated copies of every JSON body the scenarios' simulated apps serve.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_kubelab.kube import podstatus, selectors
from pytest_kubelab.kube.quantity import parse_quantity
from pytest_kubelab.readers import MalformedAnswer as MalformedReading
from pytest_kubelab.readers import grafana, jaeger, loki, prometheus
from pytest_kubelab.readers import kubecost as allocation
from pytest_kubelab.sim.scenario import (
    Scenario,
    ScenarioError,
    _read,
    available_scenarios,
    load_scenario,
    parse_scenario,
)

MAX_EXAMPLES = 300
FUZZ = settings(
    max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
SCENARIO_KEYS = ["include", "remove", "patch", "items", "logs", "apps", "faults", "description"]


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON-like value, the root excluded."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            found.append((*prefix, key))
            found.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(child, (*prefix, index)))
    return found


def _mutate(value: Any, data: st.DataObject, same_type: bool) -> Any:
    """Apply a few random edits (delete, replace, null) to a deep copy of ``value``."""
    value = copy.deepcopy(value)
    for _ in range(data.draw(st.integers(1, 4))):
        paths = _paths(value)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        parent = value
        for step in path[:-1]:
            parent = parent[step]
        old = parent[path[-1]]
        action = data.draw(st.sampled_from(["delete", "replace", "null"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "null":
            parent[path[-1]] = None
        elif same_type:
            parent[path[-1]] = data.draw(_like(old))
        else:
            parent[path[-1]] = data.draw(json_values)
    return value


def _like(old: Any) -> st.SearchStrategy[Any]:
    # The API server enforces its schema: a mutated pod keeps each field's JSON type.
    if isinstance(old, bool):
        return st.booleans()
    if isinstance(old, int):
        return st.integers(0, 10**6)
    if isinstance(old, str):
        return st.text(max_size=30) | st.sampled_from(sorted(podstatus.FATAL_WAITING_REASONS))
    if isinstance(old, list):
        return st.just([])
    if isinstance(old, dict):
        return st.just({})
    return st.none()


# --- scenario loader -----------------------------------------------------------------


@FUZZ
@given(st.text(max_size=300))
def test_scenario_loader_random_text(text: str) -> None:
    with contextlib.suppress(ScenarioError):
        assert isinstance(parse_scenario(text), Scenario)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(SCENARIO_KEYS),
        json_values | st.lists(st.sampled_from([*available_scenarios(), "base/cluster", "x"])),
        max_size=5,
    )
)
def test_scenario_loader_random_structure(data: dict[str, Any]) -> None:
    if isinstance(data.get("include"), list):
        data["include"] = [f"{i}.yaml" if isinstance(i, str) else i for i in data["include"]]
    with contextlib.suppress(ScenarioError):
        parse_scenario(yaml.safe_dump(data))


SCENARIO_FILES = [f"{name}.yaml" for name in available_scenarios()] + ["base/cluster.yaml"]


@settings(FUZZ, max_examples=MAX_EXAMPLES // 3)  # each case loads a whole cluster
@given(st.sampled_from(SCENARIO_FILES), st.data())
def test_scenario_loader_mutated_files(relative: str, data: st.DataObject) -> None:
    mutated = _mutate(_read(relative), data, same_type=False)
    with contextlib.suppress(ScenarioError):
        parse_scenario(yaml.safe_dump(mutated))


# --- label selectors -----------------------------------------------------------------

label_text = st.text(alphabet="abc./-_=!,() inotx", max_size=40)


@FUZZ
@given(
    st.one_of(st.text(max_size=60), label_text),
    st.dictionaries(st.text(max_size=10), st.text(max_size=10), max_size=4),
)
def test_selector_parse_never_crashes(selector: str, labels: dict[str, str]) -> None:
    try:
        matcher = selectors.parse(selector)
    except selectors.SelectorError:
        return
    assert isinstance(matcher(labels), bool)


@FUZZ
@given(
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9./-]{0,10}", fullmatch=True),
        st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
        min_size=1,
        max_size=4,
    )
)
def test_selector_round_trip(match_labels: dict[str, str]) -> None:
    matcher = selectors.parse(selectors.to_string(match_labels))
    assert matcher(match_labels)
    assert matcher({**match_labels, "extra": "x"})


# --- pod diagnosis -------------------------------------------------------------------


@functools.cache
def _all_scenarios() -> tuple[Scenario, ...]:
    # Loaded on first use, once: at import every xdist worker would load all scenarios
    # (seconds of CPU each) although one worker runs these properties.
    return tuple(load_scenario(name) for name in available_scenarios())


@functools.cache
def _real_pods() -> list[dict[str, Any]]:
    pods: dict[str, dict[str, Any]] = {}
    for scenario in _all_scenarios():
        for pod in scenario.of_kind("Pod"):
            pods.setdefault(str(pod.get("metadata", {}).get("name")), pod)
    return list(pods.values())


REAL_PODS = st.deferred(lambda: st.sampled_from(_real_pods()))


@FUZZ
@given(REAL_PODS, st.data())
def test_pod_problem_on_mutated_pods(pod: dict[str, Any], data: st.DataObject) -> None:
    mutated = _mutate(pod, data, same_type=True)
    found = podstatus.problem(mutated)
    assert found is None or isinstance(found, podstatus.PodProblem)
    podstatus.ready_counts(mutated)
    podstatus.restarts(mutated)


# --- quantities, Kubecost allocation, app answer readers ------------------------------


@FUZZ
@given(
    st.one_of(
        st.text(max_size=20),
        st.from_regex(r"[+-]?[0-9]{0,4}\.?[0-9]{0,3}(Ki|Mi|Gi|[numkMGTPE]|[eE][+-]?[0-9]{1,7})?"),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
    )
)
def test_quantity_parser(value: Any) -> None:
    with contextlib.suppress(ValueError):
        assert isinstance(parse_quantity(value), Decimal)


@functools.cache
def _app_bodies() -> list[Any]:
    bodies: dict[str, Any] = {}
    for scenario in _all_scenarios():
        for routes in scenario.apps.values():
            for route in routes:
                with contextlib.suppress(ValueError):
                    bodies.setdefault(route.body, json.loads(route.body))
    return [body for body in bodies.values() if isinstance(body, (dict, list))]


APP_BODIES = st.deferred(lambda: st.sampled_from(_app_bodies()))
READERS: list[Callable[[str], Any]] = [
    grafana.read_health,
    grafana.read_datasources,
    grafana.read_datasource_health,
    grafana.read_dashboard_titles,
    jaeger.read_services,
    loki.read_streams,
    prometheus.read_targets,
]


@FUZZ
@given(APP_BODIES, st.data())
def test_allocation_validator(body: Any, data: st.DataObject) -> None:
    text = data.draw(
        st.just(json.dumps(_mutate(body, data, same_type=False))) | st.text(max_size=100)
    )
    try:
        costs, sets = allocation.summarise(text)
    except allocation.AllocationError:
        return
    assert isinstance(costs, dict)
    assert isinstance(sets, int)


@FUZZ
@given(st.sampled_from(READERS), APP_BODIES, st.data())
def test_app_answer_readers(reader: Callable[[str], Any], body: Any, data: st.DataObject) -> None:
    text = data.draw(
        st.just(json.dumps(_mutate(body, data, same_type=False)))
        | st.just(json.dumps(body))
        | st.text(max_size=100)
    )
    with contextlib.suppress(MalformedReading):
        reader(text)


def test_case_count_is_fixed() -> None:
    """The statistics the report quotes: 8 properties × 300 cases + 1 × 100 (mutated files)."""
    properties = [
        v for k, v in globals().items() if k.startswith("test_") and hasattr(v, "hypothesis")
    ]
    assert len(properties) == 9
    assert len(_app_bodies()) >= 5  # the scenarios' app payloads feed the reader properties
    assert MAX_EXAMPLES == 300


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
