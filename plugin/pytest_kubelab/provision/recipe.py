"""A lab's reference solution as data: ``provision.yaml`` next to its ``lab.yaml``.

Format (paths are relative to the lab folder)::

    cluster: {fixture: lab_cluster, name: webapp-lab, config: kind-config.yaml, nodes: 2}
    steps:
      - step: 2
        title: kube-prometheus-stack
        actions:
          - helm: {fixture: prometheus_stack, release: ..., namespace: ..., chart: ...,
                   repo: ..., version: ..., values: [values/x.yaml], timeout: 10m}
          - apply: {fixture: x_nodeport, file: manifests/x.yaml}
          # or: apply: {fixture: ..., url: https://..., unless_exists: {kind: ...,
          #                                             namespace: ..., name: ...}}
          - container_arg: {namespace: ..., deployment: ..., arg: ...}
          - ready: {namespace: ..., deployment: ..., timeout: 300}

Step 1 of every lab is the kind cluster itself (``cluster:``); it needs no action.

Every ``helm`` and ``apply`` action, and the cluster, is an *installation* named by its
``fixture`` key: the build fixture of the lab folder's ``conftest.py`` that tests request
(``lab_install("prometheus_stack")``). A name is a Python identifier, used once in the lab.
``container_arg`` and ``ready`` take no name: they finish the named action before them
(metrics-server's extra argument, waiting for a rollout), so a step cannot start with one.
Installations are built in the order they are written.
"""

from __future__ import annotations

import functools
import keyword
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .helm import HelmRelease

RECIPE_FILENAME = "provision.yaml"
# The plugin's own fixtures: an installation named like one would hide it.
RESERVED_FIXTURES = frozenset(
    {"lab", "lab_step", "lab_install", "lab_settings", "lab_access", "lab_deadline", "request"}
)


class RecipeError(Exception):
    """A ``provision.yaml`` is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class ClusterSpec:
    fixture: str
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
class Installation:
    """One named piece of the reference solution, built by its build fixture.

    A Helm release or an applied manifest (``actions[0]``), then the unnamed actions
    that finish it. The cluster of step 1 is an installation too, with no actions:
    creating it is the build's own first move.
    """

    fixture: str
    step: int
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    installations: tuple[Installation, ...]

    @property
    def actions(self) -> tuple[Action, ...]:
        """The step's actions in the order they are written."""
        return tuple(a for i in self.installations for a in i.actions)


@dataclass(frozen=True)
class Recipe:
    lab: str
    path: Path
    cluster: ClusterSpec
    steps: tuple[Step, ...]

    def steps_up_to(self, last: int) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.number <= last)

    @functools.cached_property
    def installations(self) -> tuple[Installation, ...]:
        """Every installation in build order, the cluster first."""
        cluster = Installation(self.cluster.fixture, 1, ())
        return (cluster, *(i for s in self.steps for i in s.installations))

    def position(self, fixture: str) -> int | None:
        """How many installations a build of ``fixture`` covers (it included); None if unknown."""
        names = [i.fixture for i in self.installations]
        return names.index(fixture) + 1 if fixture in names else None

    def end_of_step(self, number: int) -> int:
        """How many installations a build of steps 1..``number`` covers."""
        return sum(1 for i in self.installations if i.step <= number)

    def step_title(self, number: int) -> str:
        if number == 1:
            return "kind cluster"
        return next((s.title for s in self.steps if s.number == number), "")


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


def _fixture_name(raw: Mapping[str, Any], where: str, taken: dict[str, str]) -> str:
    """The installation's ``fixture`` name: an identifier, unused so far in this lab."""
    value = raw.get("fixture")
    if (
        not isinstance(value, str)
        or not value.isidentifier()
        or keyword.iskeyword(value)
        or value in RESERVED_FIXTURES
    ):
        raise RecipeError(
            f"{where}: 'fixture' must name the installation's build fixture: a Python "
            f"identifier such as prometheus_stack, not one of the plugin's fixtures "
            f"({', '.join(sorted(RESERVED_FIXTURES))}); got {value!r}"
        )
    if value in taken:
        raise RecipeError(
            f"{where}: fixture {value!r} already names the installation at {taken[value]}; "
            "each installation needs a name of its own"
        )
    taken[value] = where
    return value


def _kind_and_body(raw: Any, where: str) -> tuple[str, Mapping[str, Any]]:
    """An action's one key (helm, apply, ...) and its mapping."""
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise RecipeError(f"{where}: an action is a mapping with exactly one key")
    ((kind, body),) = raw.items()
    if not isinstance(body, Mapping):
        raise RecipeError(f"{where}.{kind}: must be a mapping")
    return str(kind), body


def _action(folder: Path, kind: str, body: Mapping[str, Any], where: str) -> Action:
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


NAMED_ACTIONS = ("helm", "apply")


def _installations(
    folder: Path, number: int, raw_actions: Any, where: str, taken: dict[str, str]
) -> tuple[Installation, ...]:
    """Group a step's actions into installations: each named action and those after it."""
    if not isinstance(raw_actions, list):
        raise RecipeError(f"{where}.actions: must be a list")
    groups: list[tuple[str, list[Action]]] = []
    for index, raw in enumerate(raw_actions):
        here = f"{where}.actions[{index}]"
        kind, body = _kind_and_body(raw, here)
        action = _action(folder, kind, body, here)
        if kind in NAMED_ACTIONS:
            groups.append((_fixture_name(body, f"{here}.{kind}", taken), [action]))
            continue
        if "fixture" in body:
            raise RecipeError(
                f"{here}.{kind}: takes no 'fixture'; only helm and apply actions are named "
                "installations, and this action belongs to the one before it"
            )
        if not groups:
            raise RecipeError(
                f"{here}.{kind}: a step's first action must be a named helm or apply action; "
                f"{kind} belongs to the named action before it"
            )
        groups[-1][1].append(action)
    return tuple(Installation(name, number, tuple(actions)) for name, actions in groups)


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
    taken: dict[str, str] = {}
    cluster = ClusterSpec(
        fixture=_fixture_name(cluster_raw, f"{path}: cluster", taken),
        name=_str(cluster_raw, "name", f"{path}: cluster"),
        config=_file(lab_folder, cluster_raw, "config", f"{path}: cluster"),
        nodes=int(cluster_raw.get("nodes", 3)),
    )
    steps: list[Step] = []
    for index, step_raw in enumerate(raw.get("steps") or []):
        where = f"{path}: steps[{index}]"
        if not isinstance(step_raw, Mapping) or not isinstance(step_raw.get("step"), int):
            raise RecipeError(f"{where}: needs an integer 'step'")
        number = step_raw["step"]
        installations = _installations(
            lab_folder, number, step_raw.get("actions") or [], where, taken
        )
        steps.append(Step(number, str(step_raw.get("title", "")), installations))
    numbers = [s.number for s in steps]
    if numbers != sorted(set(numbers)) or 1 in numbers:
        raise RecipeError(
            f"{path}: steps must be listed once each, in order, from 2 (step 1 is 'cluster')"
        )
    return Recipe(lab, path, cluster, tuple(steps))
