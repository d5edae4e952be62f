"""Readers of the HTTP answers of the lab's apps (Grafana, Prometheus, Loki, Jaeger).

Each reader turns an answer body into plain data or raises :class:`MalformedAnswer`
(never anything else), so checks can report "the app answered, but not as expected".
"""

from __future__ import annotations

import json
from typing import Any


class MalformedAnswer(ValueError):
    """An app answered with something that is not the documented shape."""


def load_json(text: str) -> Any:
    """Parse JSON text; HTML pages, truncated bodies and the like become MalformedAnswer."""
    if not isinstance(text, str):
        raise MalformedAnswer("the answer is not text")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        snippet = text.strip()[:60].replace("\n", " ")
        raise MalformedAnswer(f"not JSON ({snippet!r})") from exc


def mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedAnswer(f"{what} is not a JSON object")
    return value


def sequence(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise MalformedAnswer(f"{what} is not a JSON list")
    return value
