"""Label selectors: parse the string form and match it against labels.

Supports what ``kubectl -l`` accepts: ``k=v``, ``k==v``, ``k!=v``, ``k``, ``!k``,
``k in (a,b)`` and ``k notin (a,b)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

Labels = Mapping[str, str]
Matcher = Callable[[Labels], bool]

_SET_RE = re.compile(r"^\s*([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)\s*$")


class SelectorError(ValueError):
    """The selector string cannot be parsed."""


def _split(selector: str) -> list[str]:
    # Commas separate requirements, except inside the parentheses of a set.
    parts, depth, current = [], 0, ""
    for ch in selector:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _requirement(text: str) -> Matcher:
    found = _SET_RE.match(text)
    if found:
        key, op, values = found.group(1), found.group(2), found.group(3)
        allowed = {v.strip() for v in values.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in allowed
        return lambda labels: labels.get(key) not in allowed
    for op in ("!=", "==", "="):
        if op in text:
            key, value = (s.strip() for s in text.split(op, 1))
            if not key:
                raise SelectorError(f"selector requirement {text!r} has no key")
            if op == "!=":
                return lambda labels: labels.get(key) != value
            return lambda labels: labels.get(key) == value
    if text.startswith("!"):
        key = text[1:].strip()
        return lambda labels: key not in labels
    if re.fullmatch(r"[\w./-]+", text):
        return lambda labels: text in labels
    raise SelectorError(f"cannot parse selector requirement {text!r}")


def parse(selector: str | Mapping[str, str] | None) -> Matcher:
    """Build a matcher from a selector string or a ``matchLabels`` mapping."""
    if not selector:
        return lambda labels: True
    if isinstance(selector, Mapping):
        wanted = dict(selector)
        return lambda labels: all(labels.get(k) == v for k, v in wanted.items())
    requirements = [_requirement(p) for p in _split(selector)]
    return lambda labels: all(req(labels) for req in requirements)


def to_string(match_labels: Mapping[str, str]) -> str:
    """Render a ``matchLabels`` mapping as a selector string."""
    return ",".join(f"{k}={v}" for k, v in sorted(match_labels.items()))
