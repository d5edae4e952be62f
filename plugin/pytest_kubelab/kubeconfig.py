"""Read the kubeconfig without contacting any cluster (for the header and messages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import yamlio


@dataclass(frozen=True)
class Target:
    """The context a run grades, and the API server it points at."""

    kubeconfig: Path | None
    context: str | None
    server: str | None
    problem: str | None = None  # why the kubeconfig cannot be used, if it cannot


def _named(items: Any, name: str | None) -> dict[str, Any]:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            return dict(item.get(item_key(item)) or {})
    return {}


def item_key(item: dict[str, Any]) -> str:
    return next((k for k in ("context", "cluster", "user") if k in item), "")


def resolve(kubeconfig: Path | None, context: str | None) -> Target:
    """Find the context (explicit, else current) and its server in ``kubeconfig``."""
    if kubeconfig is None:
        return Target(None, context, None, "no-kubeconfig")
    try:
        data = yamlio.load(kubeconfig.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return Target(kubeconfig, context, None, "unreadable")
    name = context or data.get("current-context")
    ctx = _named(data.get("contexts"), name)
    if not name or not ctx:
        return Target(kubeconfig, name, None, "no-context")
    cluster = _named(data.get("clusters"), ctx.get("cluster"))
    return Target(kubeconfig, name, cluster.get("server"))
