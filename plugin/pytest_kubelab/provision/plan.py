"""Which lab steps to build, from the checkpoints this run selected.

A step builds on the ones before it, so selecting step 3 of a lab (``-m "kubecost and
step3"``) provisions steps 1-3 of that lab, and nothing of a lab with no selected
checkpoint. Labs are built in the lab text's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from ..session import CHECKPOINT_KEY, SPEC_KEY
from .recipe import Recipe, RecipeError, load_recipe


@dataclass(frozen=True)
class LabPlan:
    """Build ``recipe`` from step 1 up to ``last_step``."""

    recipe: Recipe
    last_step: int

    def describe(self) -> str:
        return f"{self.recipe.lab} steps 1-{self.last_step}"


def plan_for(items: Iterable[pytest.Item]) -> list[LabPlan]:
    """The labs and highest steps the selected checkpoint ``items`` need."""
    last: dict[str, int] = {}
    folders = {}
    order: dict[str, int] = {}
    for item in items:
        spec = item.stash.get(SPEC_KEY, None)
        checkpoint = item.stash.get(CHECKPOINT_KEY, None)
        if spec is None or checkpoint is None:
            continue
        last[spec.name] = max(last.get(spec.name, 0), checkpoint.step)
        folders[spec.name] = spec.path.parent
        order[spec.name] = spec.order
    plans = []
    for lab in sorted(last, key=lambda n: (order[n], n)):
        recipe = load_recipe(lab, folders[lab])
        if recipe is None:
            raise RecipeError(
                f"lab {lab!r} ({folders[lab]}) has no provision.yaml, so --lab-provision "
                "cannot build it"
            )
        plans.append(LabPlan(recipe, last[lab]))
    return plans
