"""Kubernetes quantities are compared by value: ``0.1`` CPU is ``100m``, ``128Mi`` is
``134217728``; garbage raises ValueError and nothing else."""

from __future__ import annotations

import contextlib
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytest_kubelab.kube.quantity import format_cpu, format_memory, parse_quantity, same_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("100m", Decimal("0.1")),
        ("0.1", Decimal("0.1")),
        ("1", Decimal(1)),
        ("2k", Decimal(2000)),
        ("1M", Decimal(10**6)),
        ("1G", Decimal(10**9)),
        ("128Mi", Decimal(128 * 2**20)),
        ("1Ki", Decimal(1024)),
        ("1.5Gi", Decimal("1.5") * 2**30),
        ("1e3", Decimal(1000)),
        ("1E-3", Decimal("0.001")),
        ("500u", Decimal("0.0005")),
        ("+3", Decimal(3)),
        (".5", Decimal("0.5")),
        (" 64Mi ", Decimal(64 * 2**20)),
    ],
)
def test_values(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    "text", ["", "m", "Mi", "100 m", "1.2.3", "12mi", "1KiB", "abc", "1e", "0x10", "1e999"]
)
def test_garbage_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="quantity"):
        parse_quantity(text)


def test_non_quantity_types_raise_value_error() -> None:
    for value in (None, True, [1], {"cpu": 1}):
        with pytest.raises(ValueError, match="quantity"):
            parse_quantity(value)  # type: ignore[arg-type]


def test_yaml_numbers_are_quantities() -> None:
    # YAML turns `cpu: 0.2` into a float and `memory: 268435456` into an int.
    assert parse_quantity(0.2) == parse_quantity("200m")
    assert parse_quantity(268435456) == parse_quantity("256Mi")


def test_same_quantity() -> None:
    assert same_quantity("100m", "0.1")
    assert same_quantity("131072Ki", "128Mi")
    assert not same_quantity("128M", "128Mi")
    assert not same_quantity("garbage", "garbage")


@given(st.text(max_size=20))
def test_never_raises_anything_but_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        parse_quantity(text)


@given(st.integers(min_value=0, max_value=10**6))
def test_milli_and_plain_agree(n: int) -> None:
    assert parse_quantity(f"{n}m") * 1000 == parse_quantity(str(n))


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200m", Decimal("0.2")),
        ("256Mi", Decimal(268435456)),
        ("268435456", Decimal(268435456)),
        ("0.5Gi", Decimal(536870912)),
        ("1043518n", Decimal("0.001043518")),
        ("812340Ki", Decimal(812340 * 1024)),
        ("1.5k", Decimal(1500)),
        ("+.5", Decimal("0.5")),
        ("0", Decimal(0)),
    ],
)
def test_cost_lab_values(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


@pytest.mark.parametrize("text", ["200mm", "1ki", "--1", "12 Mi"])
def test_more_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        parse_quantity(text)


def test_format_like_kubectl_top() -> None:
    assert format_cpu(parse_quantity("148236512n")) == "148m"
    assert format_memory(parse_quantity("812340Ki")) == "793Mi"
