"""YAML loading through libyaml when PyYAML has it: lab specs, catalogs and scenarios.

The pure-Python ``yaml.safe_load`` takes about 30 ms per scenario file on a small
machine, and a simulated run parses a dozen files; the C loader is ~10x faster and
builds the same data (``SafeLoader`` semantics, same ``yaml.YAMLError``).
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """Parse one YAML document like ``yaml.safe_load``."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
