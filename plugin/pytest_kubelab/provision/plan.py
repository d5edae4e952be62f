"""Which installations of which labs to build, from the tests this run selected.

An installation builds on everything before it in its recipe, so a lab is planned up to
the furthest installation one of its selected checkpoint tests requests (the build
fixtures among the test's fixtures), or, for a test that requests none, up to the end
of its checkpoint's step (the ``lab`` fixture builds that step). Selecting step 3 of a
lab (``-m "kubecost and step3"``) thus plans steps 1-3 of that lab, and nothing of a lab
with no selected checkpoint. Labs are built in the lab text's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from ..session import CHECKPOINT_KEY, SPEC_KEY
from .recipe import Installation, Recipe, RecipeError, load_recipe


@dataclass(frozen=True)
class LabPlan:
    """Build ``recipe`` for checkpoints up to ``last_step``: its first ``reach``
    installations (all of steps 1..``last_step`` when ``reach`` is None)."""

    recipe: Recipe
    last_step: int
    reach: int | None = None

    @property
    def installations(self) -> tuple[Installation, ...]:
        """The installations this plan may build, in build order."""
        reach = self.recipe.end_of_step(self.last_step) if self.reach is None else self.reach
        return self.recipe.installations[:reach]

    def describe(self) -> str:
        last = self.installations[-1].fixture
        return f"{self.recipe.lab} steps 1-{self.last_step} (through {last})"


def plan_for(items: Iterable[pytest.Item]) -> list[LabPlan]:
    """The labs, highest checkpoint steps and installations the selected ``items`` need."""
    selected: dict[str, list[tuple[int, frozenset[str]]]] = {}
    folders = {}
    order: dict[str, int] = {}
    for item in items:
        spec = item.stash.get(SPEC_KEY, None)
        checkpoint = item.stash.get(CHECKPOINT_KEY, None)
        if spec is None or checkpoint is None:
            continue
        requested = frozenset(getattr(item, "fixturenames", ()))
        selected.setdefault(spec.name, []).append((checkpoint.step, requested))
        folders[spec.name] = spec.path.parent
        order[spec.name] = spec.order
    plans = []
    for lab in sorted(selected, key=lambda n: (order[n], n)):
        recipe = load_recipe(lab, folders[lab])
        if recipe is None:
            raise RecipeError(
                f"lab {lab!r} ({folders[lab]}) has no provision.yaml, so --lab-provision "
                "cannot build it"
            )
        tests = selected[lab]
        reach = max(_reach(recipe, step, requested) for step, requested in tests)
        plans.append(LabPlan(recipe, max(step for step, _ in tests), reach))
    return plans


def _reach(recipe: Recipe, step: int, requested: frozenset[str]) -> int:
    """How many installations one checkpoint test needs built."""
    positions = [recipe.position(name) for name in requested]
    named = [p for p in positions if p is not None]
    return max(named) if named else recipe.end_of_step(step)
