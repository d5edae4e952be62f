"""Markers of the lab spec: ``checkpoint(id)``, ``step1`` … ``step6`` and the lab names."""

from __future__ import annotations

import pytest

MAX_STEP = 6
LAB_MARKERS = {
    "observability": "the observability lab (Prometheus, Grafana, Loki, Jaeger, demo app)",
    "kubecost": "the cost lab (metrics-server, Kubecost, namespaces, HPA, allocation API)",
}
CHECKPOINT = (
    "checkpoint(id): ties a test to its lab.yaml entry (title, hint, points, needs); "
    "added step and lab markers follow from it"
)


def register(config: pytest.Config) -> None:
    """Register every marker so the spec runs under ``--strict-markers``."""
    config.addinivalue_line("markers", CHECKPOINT)
    for step in range(1, MAX_STEP + 1):
        config.addinivalue_line("markers", f"step{step}: checkpoints of lab step {step}")
    for name, description in LAB_MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {description}")


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
