"""The documented blocking rule matches the labs: every `needs` and `causes` edge of each
``lab.yaml`` is in its ``docs/checkpoints-*.md`` table, and nothing else is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pytest_kubelab.spec import load_spec

REPO = Path(__file__).resolve().parents[2]
DOCS = {
    "lab1_observability": "checkpoints-observability.md",
    "lab1_kubecost": "checkpoints-kubecost.md",
}


def _documented(doc: Path) -> dict[str, tuple[set[str], set[str]]]:
    """checkpoint → (needs, causes) as the doc's 'What blocks what' table states them."""
    text = doc.read_text(encoding="utf-8").split("## What blocks what", 1)[1]
    rows: dict[str, tuple[set[str], set[str]]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        ids = [set(re.findall(r"`([a-z0-9.\-]+)`", cell)) for cell in (cells[1], cells[3])]
        rows[cells[0].strip("`")] = (ids[0], ids[1])
    return rows


@pytest.mark.parametrize("lab", sorted(DOCS))
def test_every_edge_is_documented(lab: str) -> None:
    spec = load_spec(REPO / "tests" / lab / "lab.yaml")
    documented = _documented(REPO / "docs" / DOCS[lab])
    actual = {c.id: (set(c.needs), set(c.causes)) for c in spec.checkpoints}
    assert documented == actual


@pytest.mark.parametrize("lab", sorted(DOCS))
def test_everything_needs_the_api_server(lab: str) -> None:
    # The rule's base case: without the API server nothing can be judged, so every
    # checkpoint but cluster-reachable leads back to it through its needs.
    spec = load_spec(REPO / "tests" / lab / "lab.yaml")
    first = spec.checkpoints[0]
    assert first.id.endswith(".cluster-reachable") and not first.needs
    by_id = {c.id: c for c in spec.checkpoints}
    for checkpoint in spec.checkpoints[1:]:
        chain = checkpoint
        while chain.needs:
            chain = by_id[chain.needs[0]]
        assert chain is first, checkpoint.id
