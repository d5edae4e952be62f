"""YAML loading through libyaml when PyYAML has it: lab specs, catalogs and scenarios.

The pure-Python ``yaml.safe_load`` takes about 30 ms per scenario file on a small
machine, and a simulated run parses a dozen files; the C loader is ~10x faster and
builds the same data (``SafeLoader`` semantics, same ``yaml.YAMLError``).
"""

from __future__ import annotations

import functools
import pickle
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Parse one YAML document like ``yaml.safe_load``."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python


@functools.lru_cache(maxsize=128)
def _parsed(text: str) -> bytes:
    return pickle.dumps(load(text), protocol=pickle.HIGHEST_PROTOCOL)


def load_shared(text: str) -> Any:
    """Parse ``text`` like :func:`load`, once per distinct text in this process.

    For files read again and again: the simulator's base scenario files are included by
    every scenario, and a self-test or a watch round loads them many times. Each call
    returns data of its own (unpickled from the one parse), so a caller may change it.
    Keyed by the text itself, never by a path, so an edited file is parsed again.
    """
    return pickle.loads(_parsed(text))  # noqa: S301 - bytes this module pickled itself
