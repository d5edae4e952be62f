"""The allocation validator accepts real Kubecost/OpenCost payloads and explains wrong ones.

Real samples (``data/``, see its README) must pass; the lab's outdated ``memoryCost``
example must fail with a message naming the JSON path and the expected field; nothing
malformed may raise anything but :class:`AllocationError`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_kubelab.readers import kubecost as allocation

DATA = Path(__file__).parent / "data"


def _sample(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def test_opencost_sample_passes() -> None:
    text = (DATA / "opencost-allocation-compute-window2d-aggregate-namespace.json").read_text()
    costs, sets = allocation.summarise(text)
    assert sets == 1
    assert costs["kube-system"].value("ramCost") == pytest.approx(0.016647)
    assert costs["kube-system"].value("totalCost") == pytest.approx(0.425469)


def test_kubecost_doc_sample_passes_without_doc_placeholders() -> None:
    payload = _sample("kubecost-model-allocation-doc-example-unaggregated.json")
    # The doc pads its example with '"...etc": {}' keys; they are not part of the answer.
    payload["data"] = [{k: v for k, v in s.items() if k != "...etc"} for s in payload["data"]]
    costs = allocation.merge(payload)
    assert len(costs) == 1
    (cost,) = costs.values()
    assert cost.value("cpuCost") == pytest.approx(0.000426)


def _one(cpu: str) -> str:
    """An answer with one allocation whose cpuCost is the raw JSON text ``cpu``."""
    allocation_text = '{"name": "a", "cpuCost": ' + cpu + ', "ramCost": 1, "totalCost": 1}'
    return '{"code": 200, "data": [{"a": ' + allocation_text + "}]}"


def _alloc(name: str, cpu: Any, ram: Any, total: Any) -> dict[str, Any]:
    return {"name": name, "cpuCost": cpu, "ramCost": ram, "totalCost": total}


def test_merges_daily_sets_and_skips_special_keys() -> None:
    payload = {
        "code": 200,
        "data": [
            {},
            {"__idle__": _alloc("__idle__", 5, 5, 10), "production": _alloc("production", 1, 2, 3)},
            {
                "production": _alloc("production", None, 1, None),
                "__unallocated__": _alloc("u", 1, 1, 2),
            },
        ],
    }
    costs = allocation.merge(payload)
    assert set(costs) == {"production"}
    assert costs["production"].sets == 2
    assert costs["production"].values == {"cpuCost": 1.0, "ramCost": 3.0, "totalCost": 3.0}


def test_null_everywhere_stays_unknown() -> None:
    payload = {"code": 200, "data": [{"staging": _alloc("staging", None, 0.5, None)}]}
    costs = allocation.merge(payload)
    assert costs["staging"].value("cpuCost") is None
    assert costs["staging"].value("ramCost") == 0.5


def test_lab_example_shape_fails_clearly() -> None:
    lab_example = {
        "data": [
            {"name": "production", "cpuCost": 15.5, "memoryCost": 8.2, "totalCost": 23.7},
            {"name": "staging", "cpuCost": 7.8, "memoryCost": 4.1, "totalCost": 11.9},
        ]
    }
    with pytest.raises(allocation.AllocationError) as caught:
        allocation.summarise(json.dumps(lab_example))
    text = caught.value.describe()
    assert "$.data[0]" in text
    assert "keyed by allocation name" in text
    # The example of the right shape uses the answer's own first name.
    assert 'e.g. {"production": {...}}' in text
    assert "$.data[0].memoryCost: expected ramCost, got memoryCost" in text


def test_missing_ram_cost_names_path_and_rename() -> None:
    payload = {
        "code": 200,
        "data": [{"dev": {"name": "dev", "cpuCost": 1, "memoryCost": 2, "totalCost": 3}}],
    }
    with pytest.raises(allocation.AllocationError) as caught:
        allocation.merge(payload)
    assert (
        "$.data[0].dev.ramCost: expected number (or null), got memoryCost"
        in caught.value.describe()
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<html><body>503 Service Temporarily Unavailable</body></html>", "not JSON"),
        ('{"code": 200, "data": [', "not JSON"),
        ("NaN", "not JSON"),
        ("[]", "$: expected object, got array"),
        ('{"code": 200}', "$.data: expected array of allocation sets, got missing"),
        ('{"code": 500, "data": null, "message": "Error: boom"}', "code 500: Error: boom"),
        (
            _one('"1"'),
            '$.data[0].a.cpuCost: expected number or null, got string "1"',
        ),
        (
            _one("1e999"),
            "non-finite",
        ),
        (
            _one("true"),
            "got boolean",
        ),
        ("[" * 5000 + "]" * 5000, ""),
    ],
)
def test_malformed_answers_raise_only_allocation_error(body: str, expected: str) -> None:
    with pytest.raises(allocation.AllocationError) as caught:
        allocation.summarise(body)
    assert expected in caught.value.describe()


def test_special_names() -> None:
    assert allocation.is_special("__idle__")
    assert allocation.is_special("__unallocated__")
    assert not allocation.is_special("production")
    assert not allocation.is_special("____")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["code", "data", "name", "cpuCost", "ramCost", "totalCost", "x"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_gives_costs_or_allocation_error(payload: Any) -> None:
    error: allocation.AllocationError | None = None
    try:
        costs, _ = allocation.summarise(json.dumps(payload))
    except allocation.AllocationError as exc:
        error = exc
    if error is not None:
        assert error.describe()
    else:
        assert all(isinstance(c, allocation.Cost) for c in costs.values())


def test_huge_integer_cost_is_rejected() -> None:
    with pytest.raises(allocation.AllocationError, match="not a number"):
        allocation.summarise(_one("1" + "0" * 400))
