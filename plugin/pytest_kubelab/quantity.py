"""Kubernetes resource quantities (``100m``, ``128Mi``, ``1.5Gi``, ``2e3``) as exact numbers.

Requests must be compared by value: ``0.1`` and ``100m`` are the same CPU, and
``128Mi`` is ``134217728``. Decimal keeps the comparison exact.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_PATTERN = re.compile(
    r"^(?P<number>[+-]?(?:\d+\.?\d*|\.\d+))"
    r"(?:(?P<binary>Ki|Mi|Gi|Ti|Pi|Ei)|(?P<exp>[eE][+-]?\d+)|(?P<decimal>[numkMGTPE]?))$"
)


def parse_quantity(text: str) -> Decimal:
    """The value of a Kubernetes quantity; ``ValueError`` for anything that is not one."""
    if not isinstance(text, str):
        raise ValueError(f"not a quantity: {text!r}")
    match = _PATTERN.match(text.strip())
    if match is None:
        raise ValueError(f"not a quantity: {text!r}")
    try:
        number = Decimal(match["number"])
        if match["binary"]:
            return number * (Decimal(1024) ** _BINARY[match["binary"]])
        if match["exp"]:
            exponent = int(match["exp"][1:])
            if abs(exponent) > 100:
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
