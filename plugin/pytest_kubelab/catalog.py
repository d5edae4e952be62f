"""The one message catalog for every student-facing sentence.

Messages live in ``messages/*.yaml``; each key maps a language code to a
``str.format`` template. Keeping them as data lets a self-test prove that every
key exists in every language, and keeps Korean and English out of test bodies.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from . import yamlio

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


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


# Messages of the loaded labs, on top of the package's: lab folder -> its keys.
_LAB_MESSAGES: dict[Path, dict[str, dict[str, str]]] = {}
_merged: dict[str, Mapping[str, str]] | None = None


def messages() -> Mapping[str, Mapping[str, str]]:
    """Every message key: the package's generic ones plus those of the loaded labs."""
    global _merged
    if _merged is None:
        merged: dict[str, Mapping[str, str]] = dict(package_messages())
        for lab_keys in _LAB_MESSAGES.values():
            merged.update(lab_keys)
        _merged = merged
    return _merged


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
    global _merged
    folder = folder.resolve()
    if folder in _LAB_MESSAGES:
        return
    keys: dict[str, dict[str, str]] = {}
    for path in lab_message_files(folder):
        _merge_into(keys, path.read_text(encoding="utf-8"), str(path))
    for key in keys:
        if key in package_messages():
            raise CatalogError(f"{folder}: message key {key!r} is already a pytest-kubelab key")
        for other, other_keys in _LAB_MESSAGES.items():
            if key in other_keys:
                raise CatalogError(f"{folder}: message key {key!r} is also defined in {other}")
    _LAB_MESSAGES[folder] = keys
    _merged = None


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
        merged[str(key)] = {str(lang): str(text) for lang, text in texts.items()}


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
