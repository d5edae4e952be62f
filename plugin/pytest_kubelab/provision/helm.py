"""Helm releases of the labs: ``helm upgrade --install --wait`` with a pinned chart.

A release already deployed at the pinned chart version with the same values is left
alone, so a second provisioning run installs nothing. The chart comes straight from its
repository URL (``--repo``), so no ``helm repo add`` state is needed or changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .tools import KubeTarget, ProvisionError, Tools, run


@dataclass(frozen=True)
class HelmRelease:
    """One pinned release as a lab's ``provision.yaml`` declares it."""

    release: str
    namespace: str
    chart: str
    repo: str
    version: str
    values: tuple[Path, ...]
    timeout: str = "10m"

    @property
    def chart_ref(self) -> str:
        """How ``helm list`` names the chart of a release: ``<chart>-<version>``."""
        return f"{self.chart}-{self.version}"

    def describe(self) -> str:
        return f"helm release {self.release} ({self.chart} {self.version}) in {self.namespace}"


def _values(release: HelmRelease) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for path in release.values:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged = _deep_merge(merged, data)
    return merged


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def deployed(tools: Tools, target: KubeTarget, release: HelmRelease) -> dict[str, Any] | None:
    """The ``helm list`` entry of the release, in any status, or None."""
    out = run(
        [
            tools.helm,
            "list",
            "--namespace",
            release.namespace,
            "--filter",
            f"^{release.release}$",
            "--all",
            "--output",
            "json",
            *target.helm_args(),
        ],
        what=f"reading the state of {release.describe()}",
    ).stdout
    try:
        entries = json.loads(out or "[]")
    except json.JSONDecodeError as exc:
        raise ProvisionError(
            f"helm list printed something that is not JSON: {out[:200]!r}"
        ) from exc
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict) and entry.get("name") == release.release:
            return entry
    return None


def _current_values(tools: Tools, target: KubeTarget, release: HelmRelease) -> Any:
    out = run(
        [
            tools.helm,
            "get",
            "values",
            release.release,
            "--namespace",
            release.namespace,
            "--output",
            "json",
            *target.helm_args(),
        ],
        what=f"reading the values of {release.describe()}",
    ).stdout
    try:
        return json.loads(out or "null") or {}
    except json.JSONDecodeError:
        return None  # unknown: reinstalling is the safe answer


def up_to_date(tools: Tools, target: KubeTarget, release: HelmRelease) -> bool:
    """True when the release is deployed at the pinned version with the same values."""
    entry = deployed(tools, target, release)
    if entry is None or entry.get("status") != "deployed":
        return False
    if entry.get("chart") != release.chart_ref:
        return False
    return bool(_current_values(tools, target, release) == _values(release))


def install_command(tools: Tools, target: KubeTarget, release: HelmRelease) -> list[str]:
    """The ``helm upgrade --install`` command for ``release``."""
    command = [
        str(tools.helm),
        "upgrade",
        "--install",
        release.release,
        release.chart,
        "--repo",
        release.repo,
        "--version",
        release.version,
        "--namespace",
        release.namespace,
        "--create-namespace",
    ]
    for path in release.values:
        command += ["--values", str(path)]
    command += ["--wait", "--timeout", release.timeout, *target.helm_args()]
    return command


def ensure_release(tools: Tools, target: KubeTarget, release: HelmRelease) -> bool:
    """Install or upgrade ``release`` unless it is up to date; True when helm ran."""
    if up_to_date(tools, target, release):
        return False
    run(install_command(tools, target, release), what=f"installing {release.describe()}")
    return True
