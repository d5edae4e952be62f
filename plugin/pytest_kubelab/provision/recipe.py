"""A lab's reference solution as data: ``provision.yaml`` next to its ``lab.yaml``.

Format (paths are relative to the lab folder)::

    cluster: {name: webapp-lab, config: kind-config.yaml, nodes: 2}
    steps:
      - step: 2
        title: kube-prometheus-stack
        actions:
          - helm: {release: ..., namespace: ..., chart: ..., repo: ...,
                   version: ..., values: [values/x.yaml], timeout: 10m}
          - apply: {file: manifests/x.yaml}          # or {url: https://..., unless_exists: {...}}
          - container_arg: {namespace: ..., deployment: ..., arg: ...}
          - ready: {namespace: ..., deployment: ..., timeout: 300}

Step 1 of every lab is the kind cluster itself (``cluster:``); it needs no action.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .helm import HelmRelease

RECIPE_FILENAME = "provision.yaml"


class RecipeError(Exception):
    """A ``provision.yaml`` is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class ClusterSpec:
    name: str
    config: Path
    nodes: int


@dataclass(frozen=True)
class Apply:
    source: str  # a file path or an https URL
    is_file: bool
    unless_exists: tuple[str, str, str] | None = None  # kind, namespace, name


@dataclass(frozen=True)
class ContainerArg:
    namespace: str
    deployment: str
    arg: str


@dataclass(frozen=True)
class Ready:
    namespace: str
    deployment: str
    timeout: float


Action = HelmRelease | Apply | ContainerArg | Ready


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Recipe:
    lab: str
    path: Path
    cluster: ClusterSpec
    steps: tuple[Step, ...]

    def steps_up_to(self, last: int) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.number <= last)


def _str(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or value == "":
        raise RecipeError(f"{where}: '{key}' must be a non-empty string")
    return str(value)


def _file(folder: Path, raw: Mapping[str, Any], key: str, where: str) -> Path:
    path = folder / _str(raw, key, where)
    if not path.is_file():
        raise RecipeError(f"{where}: {key} {path} does not exist")
    return path


def _action(folder: Path, raw: Any, where: str) -> Action:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise RecipeError(f"{where}: an action is a mapping with exactly one key")
    ((kind, body),) = raw.items()
    if not isinstance(body, Mapping):
        raise RecipeError(f"{where}.{kind}: must be a mapping")
    here = f"{where}.{kind}"
    if kind == "helm":
        values = body.get("values") or []
        if not isinstance(values, list):
            raise RecipeError(f"{here}: 'values' must be a list of files")
        return HelmRelease(
            release=_str(body, "release", here),
            namespace=_str(body, "namespace", here),
            chart=_str(body, "chart", here),
            repo=_str(body, "repo", here),
            version=_str(body, "version", here),
            values=tuple(_file(folder, {"v": v}, "v", f"{here}.values") for v in values),
            timeout=str(body.get("timeout", "10m")),
        )
    if kind == "apply":
        unless = body.get("unless_exists")
        guard = None
        if unless is not None:
            if not isinstance(unless, Mapping):
                raise RecipeError(f"{here}.unless_exists: must be a mapping")
            guard = (
                _str(unless, "kind", here),
                _str(unless, "namespace", here),
                _str(unless, "name", here),
            )
        if "file" in body:
            return Apply(str(_file(folder, body, "file", here)), True, guard)
        url = _str(body, "url", here)
        if not url.startswith("https://"):
            raise RecipeError(f"{here}: url must be https:// (got {url!r})")
        return Apply(url, False, guard)
    if kind == "container_arg":
        return ContainerArg(
            _str(body, "namespace", here), _str(body, "deployment", here), _str(body, "arg", here)
        )
    if kind == "ready":
        return Ready(
            _str(body, "namespace", here),
            _str(body, "deployment", here),
            float(body.get("timeout", 300)),
        )
    raise RecipeError(f"{where}: unknown action {kind!r} (helm, apply, container_arg, ready)")


def load_recipe(lab: str, lab_folder: Path) -> Recipe | None:
    """Load ``provision.yaml`` of a lab folder; None when the lab has none."""
    path = lab_folder / RECIPE_FILENAME
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RecipeError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, Mapping):
        raise RecipeError(f"{path}: must be a mapping with 'cluster' and 'steps'")
    cluster_raw = raw.get("cluster")
    if not isinstance(cluster_raw, Mapping):
        raise RecipeError(f"{path}: 'cluster' must be a mapping")
    cluster = ClusterSpec(
        name=_str(cluster_raw, "name", f"{path}: cluster"),
        config=_file(lab_folder, cluster_raw, "config", f"{path}: cluster"),
        nodes=int(cluster_raw.get("nodes", 3)),
    )
    steps: list[Step] = []
    for index, step_raw in enumerate(raw.get("steps") or []):
        where = f"{path}: steps[{index}]"
        if not isinstance(step_raw, Mapping) or not isinstance(step_raw.get("step"), int):
            raise RecipeError(f"{where}: needs an integer 'step'")
        actions = tuple(
            _action(lab_folder, a, f"{where}.actions[{i}]")
            for i, a in enumerate(step_raw.get("actions") or [])
        )
        steps.append(Step(step_raw["step"], str(step_raw.get("title", "")), actions))
    numbers = [s.number for s in steps]
    if numbers != sorted(set(numbers)) or 1 in numbers:
        raise RecipeError(
            f"{path}: steps must be listed once each, in order, from 2 (step 1 is 'cluster')"
        )
    return Recipe(lab, path, cluster, tuple(steps))
