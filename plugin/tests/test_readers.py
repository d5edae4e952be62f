"""Readers of Grafana, Prometheus, Loki and Jaeger answers: documented shapes are read,
anything else (HTML, truncated JSON, wrong types) raises MalformedAnswer and nothing else."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pytest_kubelab.readers import MalformedAnswer, grafana, jaeger, loki, prometheus

REPO = Path(__file__).resolve().parents[2]

READERS: list[Callable[[str], Any]] = [
    grafana.read_health,
    grafana.read_datasources,
    grafana.read_datasource_health,
    grafana.read_dashboard_titles,
    prometheus.read_targets,
    loki.read_streams,
    jaeger.read_services,
]


def _base_routes() -> dict[str, Any]:
    base = REPO / "tests" / "lab1_observability" / "scenarios" / "base" / "observability.yaml"
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    return {
        f"{service}{route['path']}": json.dumps(route["json"])
        for service, routes in data["apps"].items()
        for route in routes
        if "json" in route
    }


def test_base_scenario_answers_are_read() -> None:
    routes = _base_routes()
    assert grafana.read_health(routes["monitoring/prometheus-grafana/api/health"]) == "ok"
    sources = grafana.read_datasources(routes["monitoring/prometheus-grafana/api/datasources"])
    assert {s.type for s in sources} == {"prometheus", "alertmanager", "loki"}
    assert [s.name for s in sources if s.is_default] == ["Prometheus"]
    titles = grafana.read_dashboard_titles(routes["monitoring/prometheus-grafana/api/search"])
    assert "Kubernetes / Compute Resources / Cluster" in titles
    targets = prometheus.read_targets(
        routes["monitoring/prometheus-kube-prometheus-prometheus/api/v1/targets"]
    )
    assert sum(t.up for t in targets if t.job == "node-exporter") == 3
    assert any(t.health == "down" and "refused" in t.error for t in targets)
    streams = loki.read_streams(routes["monitoring/loki/loki/api/v1/query_range"])
    assert {s["namespace"] for s in streams} == {"demo", "monitoring"}
    assert jaeger.read_services(routes["monitoring/jaeger/api/v3/services"]) == ["jaeger"]
    assert jaeger.read_services(routes["monitoring/jaeger/api/services"]) == ["jaeger"]


def test_grafana_health_doc_example() -> None:
    assert grafana.read_health('{"commit":"087143285","database":"ok","version":"5.1.3"}') == "ok"


def test_datasource_health() -> None:
    assert grafana.read_datasource_health('{"status":"OK","message":"fine"}') == (True, "fine")
    assert grafana.read_datasource_health('{"status":"ERROR","message":"x"}') == (False, "x")


def test_loki_series_shape_and_empty_result() -> None:
    series = '{"status":"success","data":[{"namespace":"demo","pod":"a"}]}'
    assert loki.read_streams(series) == [{"namespace": "demo", "pod": "a"}]
    empty = '{"status":"success","data":{"resultType":"streams","result":[]}}'
    assert loki.read_streams(empty) == []


def test_jaeger_empty_and_error_envelopes() -> None:
    assert jaeger.read_services('{"services":[]}') == []
    assert jaeger.read_services('{"data":null,"total":0,"errors":null}') == []
    with pytest.raises(MalformedAnswer):
        jaeger.read_services('{"data":null,"errors":[{"code":500,"msg":"storage"}]}')


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    "text",
    [
        "<html><body>Bad Gateway</body></html>",
        '{"status":"success","data":',
        "null",
        "[]x",
        '"just a string"',
        '{"status":"error","errorType":"bad_data"}',
        "[1, 2, 3]",
        '{"services":[1,2]}',
        '{"status":"success","data":{"activeTargets":{"a":1}}}',
        '{"status":"success","data":{"resultType":"matrix","result":[]}}',
        "[" * 5000,
    ],
)
def test_malformed_answers(reader: Callable[[str], Any], text: str) -> None:
    with contextlib.suppress(MalformedAnswer):
        reader(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@pytest.mark.parametrize("reader", READERS)
@given(value=json_values)
def test_fuzzed_json_only_raises_malformed_answer(reader: Callable[[str], Any], value: Any) -> None:
    with contextlib.suppress(MalformedAnswer):
        reader(json.dumps(value))


@pytest.mark.parametrize("reader", READERS)
@given(text=st.text(max_size=40))
def test_fuzzed_text_only_raises_malformed_answer(reader: Callable[[str], Any], text: str) -> None:
    with contextlib.suppress(MalformedAnswer):
        reader(text)
