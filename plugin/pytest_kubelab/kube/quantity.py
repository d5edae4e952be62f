"""Kubernetes resource quantities (``100m``, ``256Mi``, ``1.5Gi``, ``2e3``) as exact numbers.

Requests, limits and usage are compared by value, as the API server treats them:
``0.2`` equals ``200m`` and ``268435456`` equals ``256Mi``. Decimal keeps it exact.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
# The grammar of k8s.io/apimachinery resource.Quantity: a signed number and an optional
# binary-SI, decimal-SI or decimal-exponent suffix.
_PATTERN = re.compile(
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|(?P<exp>[eE][+-]?\d+)|(?P<decimal>[numkMGTPE]?))$"
)
_MAX_EXPONENT = 100  # far beyond any real quantity; keeps garbage like 1e999999 cheap


def parse_quantity(text: str | int | float) -> Decimal:
    """The value of a Kubernetes quantity; ``ValueError`` for anything that is not one.

    Numbers are accepted too, because YAML turns ``cpu: 0.2`` into a float.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError(f"not a quantity: {text!r}")
    match = _PATTERN.match(str(text).strip())
    if match is None:
        raise ValueError(f"not a quantity: {text!r}")
    try:
        number = Decimal(match["number"])
        if match["binary"]:
            return number * (Decimal(1024) ** _BINARY[match["binary"]])
        if match["exp"]:
            exponent = int(match["exp"][1:])
            if abs(exponent) > _MAX_EXPONENT:
                raise ValueError(f"quantity exponent out of range: {text!r}")
            return number.scaleb(exponent)
        return number.scaleb(_DECIMAL[match["decimal"] or ""])
    except InvalidOperation:
        raise ValueError(f"not a quantity: {text!r}") from None


def same_quantity(a: str, b: str) -> bool:
    """Whether two quantities have the same value; garbage never equals anything."""
    try:
        return parse_quantity(a) == parse_quantity(b)
    except ValueError:
        return False


def format_cpu(cores: Decimal) -> str:
    """Cores as kubectl shows them: ``75m``."""
    return f"{int((cores * 1000).to_integral_value())}m"


def format_memory(value: Decimal) -> str:
    """Bytes as kubectl shows them: ``150Mi``."""
    return f"{int((value / 1024**2).to_integral_value())}Mi"
