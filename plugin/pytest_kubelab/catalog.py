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
  included: ``"{service}{이/가} 없습니다"`` renders ``Service shop/web이 없습니다``
  and ``Service shop/nginx가 없습니다``. Write the particle right after the word
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
from pathlib import Path
from typing import Any

import yaml

from . import yamlio
from .sessionscope import SessionState

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"

_FORMATTER = string.Formatter()


class CatalogError(Exception):
    """The message catalog itself is malformed (a bug in the package, not the student's)."""


@functools.lru_cache(maxsize=1)
def package_messages() -> Mapping[str, Mapping[str, str]]:
    """The package's generic messages (``messages/*.yaml``); a key defined twice is an error."""
    merged: dict[str, dict[str, str]] = {}
    folder = resources.files("pytest_kubelab") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        _merge_into(merged, entry.read_text(encoding="utf-8"), entry.name)
    return merged


@dataclass
class _LabMessages:
    """The messages of the labs this pytest run loaded, on top of the package's."""

    by_folder: dict[Path, dict[str, dict[str, str]]] = field(default_factory=dict)
    merged: dict[str, Mapping[str, str]] | None = None  # package + labs, built on first use


# Per pytest run: a run in the same process after it (an in-process self-test) does not
# inherit its labs' keys, and may load a changed messages.yaml of the same folder.
_RUN_MESSAGES = SessionState(_LabMessages)


def messages() -> Mapping[str, Mapping[str, str]]:
    """Every message key: the package's generic ones plus those of the labs this run loaded."""
    loaded = _RUN_MESSAGES.get()
    if loaded.merged is None:
        merged: dict[str, Mapping[str, str]] = dict(package_messages())
        for lab_keys in loaded.by_folder.values():
            merged.update(lab_keys)
        loaded.merged = merged
    return loaded.merged


def lab_message_files(folder: Path) -> list[Path]:
    """A lab folder's message files: ``messages.yaml`` and ``messages/*.yaml`` beside lab.yaml."""
    single = folder / "messages.yaml"
    found = [single] if single.is_file() else []
    if (folder / "messages").is_dir():
        found += sorted((folder / "messages").glob("*.yaml"))
    return found


def add_lab_messages(folder: Path) -> None:
    """Load the messages of the lab in ``folder`` (once); a key clash names both files.

    A lab's keys may not redefine a package key or another lab's key: a clash would make
    one of the two texts silently wrong, so it stops the run instead.
    """
    loaded = _RUN_MESSAGES.get()
    folder = folder.resolve()
    if folder in loaded.by_folder:
        return
    keys: dict[str, dict[str, str]] = {}
    for path in lab_message_files(folder):
        _merge_into(keys, path.read_text(encoding="utf-8"), str(path))
    for key in keys:
        if key in package_messages():
            raise CatalogError(f"{folder}: message key {key!r} is already a pytest-kubelab key")
        for other, other_keys in loaded.by_folder.items():
            if key in other_keys:
                raise CatalogError(f"{folder}: message key {key!r} is also defined in {other}")
    loaded.by_folder[folder] = keys
    loaded.merged = None


def _merge_into(merged: dict[str, dict[str, str]], text: str, where: str) -> None:
    try:
        data = yamlio.load(text) or {}
    except yaml.YAMLError as exc:
        raise CatalogError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise CatalogError(f"{where}: the top level must map message keys to texts")
    for key, texts in data.items():
        if key in merged:
            raise CatalogError(f"message key {key!r} is defined twice ({where})")
        if not isinstance(texts, Mapping) or not all(
            isinstance(texts.get(lang), str) for lang in LANGUAGES
        ):
            raise CatalogError(f"{where}: {key} needs a text for each of {', '.join(LANGUAGES)}")
        # A placeholder in one language only would reach students as literal {name}
        # text in the other, or leave out what the message is about: stop the author now.
        used = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
        if len({frozenset(names) for names in used.values()}) > 1:
            listed = "; ".join(f"{lang}: {{{', '.join(sorted(used[lang]))}}}" for lang in used)
            raise CatalogError(
                f"{where}: {key} must use the same placeholders in every language ({listed})"
            )
        merged[str(key)] = {str(lang): str(text) for lang, text in texts.items()}


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
    from . import hangul  # render-time only: the entry point loads this module (LANGUAGES)

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
    from . import hangul  # render-time only: the entry point loads this module (LANGUAGES)

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
