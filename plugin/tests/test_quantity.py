"""Kubernetes quantities parse to exact values, so checks can compare requests by value."""

from decimal import Decimal

import pytest
from pytest_kubelab.quantity import format_cpu, format_memory, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("200m", Decimal("0.2")),
        ("0.2", Decimal("0.2")),
        ("1", Decimal(1)),
        ("256Mi", Decimal(268435456)),
        ("268435456", Decimal(268435456)),
        ("0.5Gi", Decimal(536870912)),
        ("1043518n", Decimal("0.001043518")),
        ("812340Ki", Decimal(812340 * 1024)),
        ("1e3", Decimal(1000)),
        ("1.5k", Decimal(1500)),
        ("2M", Decimal(2000000)),
        ("+.5", Decimal("0.5")),
        ("0", Decimal(0)),
    ],
)
def test_parse_quantity_values(text: str, value: Decimal) -> None:
    assert parse_quantity(text) == value


def test_equal_by_value() -> None:
    assert parse_quantity("0.2") == parse_quantity("200m")
    assert parse_quantity("268435456") == parse_quantity("256Mi")


@pytest.mark.parametrize("text", ["", "abc", "200mm", "1.2.3", "Mi", "12 Mi", "1ki", "--1", "1e"])
def test_parse_quantity_rejects_garbage(text: str) -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        parse_quantity(text)


def test_parse_quantity_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="not a quantity"):
        parse_quantity(None)  # type: ignore[arg-type]


def test_format_like_kubectl_top() -> None:
    assert format_cpu(parse_quantity("148236512n")) == "148m"
    assert format_memory(parse_quantity("812340Ki")) == "793Mi"
