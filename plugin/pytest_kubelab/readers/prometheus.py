"""Prometheus ``/api/v1/targets``: which scrape jobs are up."""

from __future__ import annotations

from dataclasses import dataclass

from . import MalformedAnswer, load_json, mapping, sequence


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
    body = mapping(load_json(text), "the answer")
    if body.get("status") != "success":
        raise MalformedAnswer(f"status is {body.get('status')!r}, not 'success'")
    data = mapping(body.get("data"), "data")
    targets = []
    for raw in sequence(data.get("activeTargets"), "data.activeTargets"):
        entry = mapping(raw, "a target")
        labels = entry.get("labels") or {}
        if not isinstance(labels, dict):
            raise MalformedAnswer("a target's labels are not an object")
        targets.append(
            Target(
                job=str(labels.get("job") or entry.get("scrapePool") or "?"),
                instance=str(labels.get("instance") or entry.get("scrapeUrl") or "?"),
                health=str(entry.get("health") or "unknown"),
                error=str(entry.get("lastError") or ""),
            )
        )
    return targets
