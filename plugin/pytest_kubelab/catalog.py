"""The one message catalog for every student-facing sentence.

Messages live in ``messages/*.yaml``; each key maps a language code to a
``str.format`` template. Keeping them as data lets a self-test prove that every
key exists in every language, and keeps Korean and English out of test bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


class CatalogError(Exception):
    """The message catalog itself is malformed (a bug in the package, not the student's)."""


@functools.lru_cache(maxsize=1)
def messages() -> Mapping[str, Mapping[str, str]]:
    """Load and merge every catalog file; a key defined twice is an error."""
    from . import yamlio  # YAML is loaded only once a message is needed, not per pytest run

    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("pytest_kubelab") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yamlio.load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in data.items():
            if key in merged:
                raise CatalogError(f"message key {key!r} is defined twice ({entry.name})")
            merged[key] = dict(texts)
    return merged


class _Lenient(dict[str, Any]):
    """Formatting namespace that leaves unknown placeholders visible instead of crashing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(key: str, lang: str, **params: Any) -> str:
    """Render message ``key`` in ``lang``, falling back to Korean, then to the key itself."""
    texts = messages().get(key)
    if texts is None:
        return f"[{key}] " + ", ".join(f"{k}={v}" for k, v in params.items())
    template = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    return template.format_map(_Lenient(params))
