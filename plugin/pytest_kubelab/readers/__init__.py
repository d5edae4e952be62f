"""Readers of the HTTP answers of the lab's apps (Grafana, Prometheus, Loki, Jaeger).

Each reader turns an answer body into plain data or raises :class:`MalformedAnswer`
(never anything else), so checks can report "the app answered, but not as expected".
The exception carries :attr:`MalformedAnswer.phrase`, the reason as a catalog phrase
(``answer.*``), so a Korean message says it in Korean; ``str()`` of it is English.
"""

from __future__ import annotations

import json
from typing import Any

from ..catalog import Phrase, phrase

# What a malformed part is called in messages (``{what}`` of answer.not_object/not_list).
ANSWER = phrase("answer.part.answer")


class MalformedAnswer(ValueError):
    """An app answered with something that is not the documented shape."""

    def __init__(self, key: str, **params: Any) -> None:
        self.phrase: Phrase = phrase(f"answer.{key}", **params)
        super().__init__(self.phrase.render("en"))


def part(name: str) -> Phrase:
    """The name of a part of an answer (``answer.part.<name>``), for :func:`mapping`."""
    return phrase(f"answer.part.{name}")


def load_json(text: str) -> Any:
    """Parse JSON text; HTML pages, truncated bodies and the like become MalformedAnswer."""
    if not isinstance(text, str):
        raise MalformedAnswer("not_text")
    try:
        return json.loads(text)
    except (ValueError, RecursionError) as exc:
        snippet = text.strip()[:60].replace("\n", " ")
        raise MalformedAnswer("not_json", snippet=repr(snippet)) from exc


def mapping(value: Any, what: str | Phrase) -> dict[str, Any]:
    """``value`` when it is a JSON object; ``what`` names it (a field path or a :func:`part`)."""
    if not isinstance(value, dict):
        raise MalformedAnswer("not_object", what=what)
    return value


def sequence(value: Any, what: str | Phrase) -> list[Any]:
    """``value`` when it is a JSON list; ``what`` names it (a field path or a :func:`part`)."""
    if not isinstance(value, list):
        raise MalformedAnswer("not_list", what=what)
    return value
