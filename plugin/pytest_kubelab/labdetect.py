"""Whether a pytest run grades a lab, decided without importing the grading machinery.

A run grades a lab when ``--lab-sim`` is given, or when a path it collects
(command line arguments, else ``testpaths``) is governed by a ``lab.yaml``: the
path itself, a folder above it, or a lab folder directly inside it. Anything
else (an unrelated project with pytest-kubelab installed) leaves the plugin inert.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from .session import SETTINGS_KEY

SPEC_FILENAME = "lab.yaml"  # the same name as pytest_kubelab.spec.SPEC_FILENAME


def _spec_in_or_above(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        spec = candidate / SPEC_FILENAME
        if spec.is_file():
            return spec
    return None


def spec_for(path: Path) -> Path | None:
    """The ``lab.yaml`` governing ``path``: in its own folder (a file's folder) or above."""
    return _spec_in_or_above(path if path.is_dir() else path.parent)


def spec_paths_in_args(config: pytest.Config) -> list[Path]:
    """The ``lab.yaml`` files governing the paths on the command line (or testpaths)."""
    return spec_paths_for(Path(str(arg).split("::")[0]) for arg in config.args)


def spec_paths_for(paths: Iterable[Path]) -> list[Path]:
    """The ``lab.yaml`` files governing ``paths``: each one's own lab (in or above it), and
    the lab folders directly inside a folder (``tests`` holding ``tests/lab1_*``)."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            continue
        path = path.resolve()
        candidates = [spec_for(path)]
        if path.is_dir():
            candidates += sorted(path.glob(f"*/{SPEC_FILENAME}"))
        found.extend(c.resolve() for c in candidates if c is not None and c.resolve() not in found)
    return found


def is_lab_run(config: pytest.Config) -> bool:
    """Whether this run grades a lab (see the module docstring)."""
    settings = config.stash.get(SETTINGS_KEY, None)
    if settings is not None and settings.sim is not None:
        return True
    return bool(spec_paths_in_args(config))
