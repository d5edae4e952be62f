"""Whether a pytest run grades a lab, decided without importing the grading machinery.

A run grades a lab when ``--lab-sim`` is given, or when a path it collects
(command line arguments, else ``testpaths``) is governed by a ``lab.yaml``: the
path itself, a folder above it, or a lab folder directly inside it. Anything
else (an unrelated project with pytest-kubelab installed) leaves the plugin inert.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .session import SETTINGS_KEY

SPEC_FILENAME = "lab.yaml"  # the same name as pytest_kubelab.spec.SPEC_FILENAME


def governed_by_spec(path: Path) -> bool:
    """Whether ``path`` has a ``lab.yaml`` in its own folder or a folder above it."""
    start = path if path.is_dir() else path.parent
    return any((folder / SPEC_FILENAME).is_file() for folder in (start, *start.parents))


def is_lab_run(config: pytest.Config) -> bool:
    """Whether this run grades a lab (see the module docstring)."""
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is not None and settings.sim is not None:
        return True
    for arg in config.args:
        path = Path(str(arg).split("::")[0])
        if not path.exists():
            continue
        path = path.resolve()
        if governed_by_spec(path):
            return True
        if path.is_dir() and any(path.glob(f"*/{SPEC_FILENAME}")):
            return True
    return False
