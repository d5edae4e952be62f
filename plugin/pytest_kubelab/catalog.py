"""The one message catalog for every student-facing sentence.

Messages live in ``messages/*.yaml``; each key maps a language code to a
template. Keeping them as data lets a self-test prove that every key exists in
every language, and keeps Korean and English out of test bodies.

Template syntax
---------------
Templates are ``str.format`` templates (``{name}``, ``{seconds:.1f}``, ``{{`` for a
literal brace) with one addition for Korean:

* **Particles** ``{이/가}``, ``{을/를}``, ``{은/는}``, ``{과/와}``, ``{으로/로}`` (and the
  other pairs in :data:`pytest_kubelab.hangul.PARTICLES`) are replaced by the form
  that agrees with the final sound of the text just before them, placeholder values
  included: ``"{service}{이/가} 없습니다"`` renders ``Service demo/web-app이 없습니다``
  and ``Service monitoring/loki가 없습니다``. Write the particle right after the word
  (closing quotes and a parenthetical may come between: ``{service}({port}){이/가}``
  agrees with ``{service}``). Never write a fixed particle after a placeholder, and
  never the hedged ``이(가)``; ``plugin/tests/test_language.py`` rejects both.

Parameters may be plain values or :class:`Phrase` / :class:`Joined` objects: parts of
a sentence that are themselves catalog messages (a pod's problem, a field that
differs), rendered in the language of the sentence that contains them.

Rendering is lenient: an unknown placeholder stays visible as ``{name}``, a format
spec that does not fit the value falls back to the plain value, and a malformed
template is shown as it is. A message never crashes the run.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from . import hangul, yamlio

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

_FORMATTER = string.Formatter()


class CatalogError(Exception):
    """The message catalog itself is malformed (a bug in the package, not the student's)."""


@functools.lru_cache(maxsize=1)
def messages() -> Mapping[str, Mapping[str, str]]:
    """Load and merge every catalog file; a key defined twice is an error."""
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


@dataclass(frozen=True)
class Phrase:
    """A catalog message used as a parameter of another, rendered in that message's language."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str) -> str:
        return render(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


def phrase(key: str, **params: Any) -> Phrase:
    """A part of a sentence taken from the catalog: ``phrase("pod.restarts", count=6)``."""
    return Phrase(key, params)


@dataclass(frozen=True)
class Joined:
    """Several parameters shown as one list (``a, b, c``), each rendered in the same language."""

    items: tuple[Any, ...]
    separator: str | Phrase = ", "  # a Phrase for a word such as "or" / "또는"

    def render(self, lang: str) -> str:
        separator = str(text_of(self.separator, lang))
        return separator.join(str(text_of(item, lang)) for item in self.items)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def __bool__(self) -> bool:
        return bool(self.items)


def joined(items: Iterable[Any], separator: str | Phrase = ", ") -> Joined:
    """:class:`Joined` of ``items``: ``joined(problems, "; ")``."""
    return Joined(tuple(items), separator)


def text_of(value: Any, lang: str) -> Any:
    """``value`` as it should appear in a ``lang`` message (phrases rendered, others as is)."""
    if isinstance(value, (Phrase, Joined)):
        return value.render(lang)
    return value


def placeholders(template: str) -> set[str]:
    """The parameter names a template uses (particle tokens such as ``{이/가}`` excluded)."""
    try:
        fields = {name for _, name, _, _ in _FORMATTER.parse(template) if name}
    except ValueError:
        return set()
    return {name for name in fields if name not in hangul.PARTICLES}


def _field(
    name: str, spec: str, conversion: str | None, lang: str, params: Mapping[str, Any]
) -> str:
    try:
        value, _ = _FORMATTER.get_field(name, (), params)
    except (KeyError, AttributeError, IndexError, TypeError, ValueError):
        shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        return "{" + shown + "}"
    value = text_of(value, lang)
    try:
        if conversion:
            value = _FORMATTER.convert_field(value, conversion)
        return format(value, spec)
    except (ValueError, TypeError):
        return str(value)


def fill(template: str, lang: str, params: Mapping[str, Any]) -> str:
    """Fill ``template`` with ``params``, fitting particles to the text before them."""
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError:
        return template
    out: list[str] = []
    for literal, name, spec, conversion in parts:
        out.append(literal)
        if name is None:
            continue
        chosen = hangul.particle(name, "".join(out))
        out.append(
            chosen if chosen is not None else _field(name, spec or "", conversion, lang, params)
        )
    return "".join(out)


def render(key: str, lang: str, **params: Any) -> str:
    """Render message ``key`` in ``lang``, falling back to Korean, then to the key itself."""
    texts = messages().get(key)
    if texts is None:
        return f"[{key}] " + ", ".join(f"{k}={text_of(v, lang)}" for k, v in params.items())
    template = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    return fill(template, lang, params)
