"""Prometheus ``/api/v1/targets``: which scrape jobs are up."""

from __future__ import annotations

from dataclasses import dataclass

from . import ANSWER, MalformedAnswer, load_json, mapping, part, sequence


@dataclass(frozen=True)
class Target:
    """One active scrape target."""

    job: str
    instance: str
    health: str  # "up", "down" or "unknown"
    error: str = ""

    @property
    def up(self) -> bool:
        return self.health == "up"


def read_targets(text: str) -> list[Target]:
    """The active targets of a ``/api/v1/targets`` answer."""
    body = mapping(load_json(text), ANSWER)
    if body.get("status") != "success":
        raise MalformedAnswer(
            "field_value", field="status", seen=repr(body.get("status")), want="success"
        )
    data = mapping(body.get("data"), "data")
    targets = []
    for raw in sequence(data.get("activeTargets"), "data.activeTargets"):
        entry = mapping(raw, part("target"))
        labels = entry.get("labels") or {}
        if not isinstance(labels, dict):
            raise MalformedAnswer("labels_not_object")
        targets.append(
            Target(
                job=str(labels.get("job") or entry.get("scrapePool") or "?"),
                instance=str(labels.get("instance") or entry.get("scrapeUrl") or "?"),
                health=str(entry.get("health") or "unknown"),
                error=str(entry.get("lastError") or ""),
            )
        )
    return targets
