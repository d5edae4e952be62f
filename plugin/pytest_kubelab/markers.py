"""Markers of a lab spec: ``checkpoint(id)``, plus ``stepN`` and the lab's name.

Only ``checkpoint`` is fixed. The step markers (``step1`` … ``stepN``) and one marker per
lab (its ``lab:`` name) come from each ``lab.yaml`` as it loads, with no fixed maximum,
so ``pytest -m step7`` or ``pytest -m mylab`` work for any lab an instructor writes.
Every checkpoint test gets its step and lab markers from its id; a test may also carry
them explicitly under ``--strict-markers``, because a lab's markers are registered
before pytest imports the test modules of its folder.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from .session import MARKERS_KEY

if TYPE_CHECKING:  # the entry point imports this module in every pytest run
    from .spec import LabSpec

CHECKPOINT = (
    "checkpoint(id): ties a test to its lab.yaml entry (title, hint, points, needs); "
    "added step and lab markers follow from it"
)
_STEP = re.compile(r"\bstep[1-9][0-9]*\b")


def register(config: pytest.Config) -> None:
    """Register the ``checkpoint`` marker (the per-lab ones follow :func:`register_lab`)."""
    config.addinivalue_line("markers", CHECKPOINT)
    config.stash[MARKERS_KEY] = set()


def register_lab(config: pytest.Config, spec: LabSpec) -> None:
    """Register ``spec``'s step markers and its lab-name marker, once per session."""
    done = config.stash.setdefault(MARKERS_KEY, set())
    lines = {f"step{step}": f"step{step}: checkpoints of lab step {step}" for step in spec.steps}
    lines[spec.name] = f"{spec.name}: the lab '{spec.title['en']}' ({spec.path})"
    for name, line in lines.items():
        if name not in done:
            done.add(name)
            config.addinivalue_line("markers", line)


def register_selected_steps(config: pytest.Config) -> None:
    """Register every ``stepN`` that ``-m`` names, so selecting a step no loaded lab has
    selects nothing (as any marker with no test does) instead of failing as unknown."""
    done = config.stash.setdefault(MARKERS_KEY, set())
    for name in sorted(set(_STEP.findall(str(config.option.markexpr or "")))):
        if name not in done:
            done.add(name)
            config.addinivalue_line("markers", f"{name}: checkpoints of lab step {name[4:]}")


def checkpoint_id(item: pytest.Item) -> str | None:
    """The id given to ``@pytest.mark.checkpoint(id)``, validated like a call signature."""
    marker = item.get_closest_marker("checkpoint")
    if marker is None:
        return None

    def signature(id: str) -> str:  # noqa: A002 - mirrors the marker's documented signature
        return id

    try:
        value = signature(*marker.args, **marker.kwargs)
    except TypeError as exc:
        raise pytest.UsageError(f"{item.nodeid}: checkpoint(id) marker: {exc}") from None
    if not isinstance(value, str) or not value:
        raise pytest.UsageError(f"{item.nodeid}: checkpoint(id) needs a non-empty string id")
    return value
