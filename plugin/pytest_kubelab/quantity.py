"""Kubernetes resource quantities (``200m``, ``256Mi``, ``1.5``, ``1e3``) as exact decimals.

Checks compare requests, limits and usage by value, so ``0.2`` equals ``200m`` and
``268435456`` equals ``256Mi``, as the API server itself treats them.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
# Same grammar as k8s.io/apimachinery resource.Quantity: sign, digits, optional suffix
# (binary SI, decimal SI, or a decimal exponent such as e3 / E-2).
_QUANTITY = re.compile(
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$"
)


def parse_quantity(s: str) -> Decimal:
    """Parse a Kubernetes quantity string into its exact value; ``ValueError`` on garbage."""
    if not isinstance(s, (str, int, float)) or isinstance(s, bool):
        raise ValueError(f"not a quantity: {s!r}")
    text = str(s).strip()
    match = _QUANTITY.match(text)
    if match is None:
        raise ValueError(f"not a quantity: {s!r}")
    try:
        number = Decimal(match.group("number"))
    except InvalidOperation:
        raise ValueError(f"not a quantity: {s!r}") from None
    suffix = match.group("suffix") or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    return number * (Decimal(10) ** int(suffix[1:]))
