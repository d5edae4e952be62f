"""Scenario files: realistic cluster states as data.

A scenario is YAML in a lab folder's ``scenarios/`` (see :func:`scenario_folders`).
It may ``include`` base files and then ``remove`` objects, ``patch`` them (deep
merge; lists are replaced) or add ``items``. Besides API objects it describes
``logs`` (per pod container, ``NAMESPACE/POD/CONTAINER``; a key ending in
``@previous`` is the log of the container instance that ran before, what
``kubectl logs --previous`` shows), ``apps`` (what a Service answers over HTTP,
through the API server's proxy and its NodePort) and ``faults`` to inject. A
top-level ``timeline`` changes the scenario while the simulator runs (pods becoming
Ready after a few seconds); see :mod:`pytest_kubelab.sim.timeline`.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import yamlio
from ..kube.podstatus import is_ready
from ..kube.reader import labels_of, name_of, namespace_of
from ..kube.resources import RESOURCES
from ..sessionscope import SessionState
from .timeline import TimelineStep, layers, parse_timeline

Obj = dict[str, Any]
# A ``logs`` key with this suffix holds the previous container instance's log.
PREVIOUS_SUFFIX = "@previous"
ObjKey = tuple[str, str, str]


class ScenarioError(Exception):
    """A scenario file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Route:
    """One HTTP answer of a simulated app."""

    path: str
    status: int = 200
    body: str = ""
    content_type: str = "application/json"
    query: Mapping[str, str] = field(default_factory=dict)
    basic_auth: Mapping[str, str] | None = None  # {secret, user_key, password_key}


@dataclass
class Scenario:
    """A loaded scenario: objects, logs, app routes and faults."""

    name: str
    description: str = ""
    # The kubeconfig context the simulated cluster is reached through; a scenario (or a
    # file it includes) names its own, as kind would for its cluster ("kind-<name>").
    context: str = "kind-kind"
    version: str = "v1.31.2"
    objects: dict[ObjKey, Obj] = field(default_factory=dict)
    logs: dict[str, str] = field(default_factory=dict)
    apps: dict[str, list[Route]] = field(default_factory=dict)
    faults: dict[str, Any] = field(default_factory=dict)
    # The changes due while it runs, and the parsed file they are replayed onto.
    timeline: tuple[TimelineStep, ...] = ()
    source: Mapping[str, Any] = field(default_factory=dict)

    def of_kind(self, kind: str, namespace: str | None = None) -> list[Obj]:
        return [
            obj
            for (k, ns, _), obj in self.objects.items()
            if k == kind and (namespace is None or ns == namespace)
        ]

    def find(self, kind: str, name: str, namespace: str = "") -> Obj | None:
        return self.objects.get((kind, namespace, name))

    def secret_value(self, namespace: str, name: str, key: str) -> str | None:
        secret = self.find("Secret", name, namespace)
        raw = ((secret or {}).get("data") or {}).get(key)
        return base64.b64decode(raw).decode() if raw else None

    def secret_values(self) -> list[str]:
        """Every decoded Secret value, for leak checks on what a run writes."""
        values = []
        for secret in self.of_kind("Secret"):
            for raw in (secret.get("data") or {}).values():
                try:
                    values.append(base64.b64decode(raw).decode())
                except (ValueError, UnicodeDecodeError):
                    continue
        return [v for v in values if len(v) >= 6]


# The scenario folders of this run's labs, in search order (see use_lab_folders). Per run:
# a pytest run started inside another one in the same process (pytester.runpytest) gets
# its own list, and the outer run's is the same again when the inner one ends.
_RUN_FOLDERS: SessionState[list[Path]] = SessionState(list)
SCENARIOS_DIRNAME = "scenarios"


def scenario_folders(lab_folders: Iterable[Path]) -> list[Path]:
    """Where ``--lab-sim`` looks for scenarios of these lab folders, in search order.

    Labs kept side by side in one folder run on one cluster (they share one kind config),
    so they share one simulated cluster too: for each lab, its own ``scenarios/`` comes
    first, then the shared ``scenarios/`` of the folder that holds the labs, then the
    ``scenarios/`` of the labs beside it (a scenario of one lab may include another lab's
    base state). The package itself ships no scenario: every scenario belongs to a lab.
    """
    found: list[Path] = []
    for lab in lab_folders:
        lab = lab.resolve()
        siblings = sorted(p for p in lab.parent.iterdir() if (p / "lab.yaml").is_file())
        for candidate in (lab, lab.parent, *siblings):
            folder = candidate / SCENARIOS_DIRNAME
            if folder.is_dir() and folder not in found:
                found.append(folder)
    return found


def use_lab_folders(folders: Iterable[Path]) -> None:
    """Search the scenario folders of these labs (for names and for ``include``).

    A name found in two folders is an error: it would be ambiguous which one a student
    or a self-test means.
    """
    found = scenario_folders(folders)
    seen: dict[str, Path] = {}
    for folder in found:
        for entry in sorted(folder.glob("*.yaml")):
            name = entry.name.removesuffix(".yaml")
            if name in seen:
                _RUN_FOLDERS.get().clear()
                raise ScenarioError(
                    f"scenario {name!r} is defined twice: {seen[name] / entry.name} "
                    f"and {entry}; rename one"
                )
            seen[name] = folder
    _RUN_FOLDERS.get()[:] = found


def _folders() -> list[Path]:
    return list(_RUN_FOLDERS.get())


def available_scenarios() -> list[str]:
    """Names of the scenarios that ``--lab-sim`` accepts: those of the loaded labs."""
    return sorted(
        {
            entry.name.removesuffix(".yaml")
            for folder in _folders()
            for entry in folder.iterdir()
            if entry.name.endswith(".yaml")
        }
    )


def _key(obj: Mapping[str, Any], where: str) -> ObjKey:
    kind = obj.get("kind")
    if kind not in RESOURCES:
        raise ScenarioError(f"{where}: unknown or missing kind {kind!r}")
    name = name_of(obj)
    if not name:
        raise ScenarioError(f"{where}: {kind} without metadata.name")
    namespace = namespace_of(obj) if RESOURCES[str(kind)].namespaced else ""
    if RESOURCES[str(kind)].namespaced and not namespace:
        raise ScenarioError(f"{where}: {kind} {name} needs metadata.namespace")
    return (str(kind), namespace, name)


def deep_merge(base: Any, patch: Any) -> Any:
    """Merge ``patch`` into ``base``: mappings merge, ``null`` deletes, the rest replaces."""
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = deep_merge(base.get(key), value)
    return merged


def _is_file(path: Path) -> bool:
    # An include name the filesystem rejects (too long, a NUL) is simply not a file here;
    # reading it then says the scenario file does not exist.
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _read(relative: str) -> dict[str, Any]:
    # The first folder that has the file, in the search order of use_lab_folders.
    folders = _folders()
    entry = next(
        (f / relative for f in folders if _is_file(f / relative)),
        (folders[0] if folders else Path(".")) / relative,
    )
    try:
        data = yamlio.load_shared(entry.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, a folder, or a name the filesystem rejects
        raise ScenarioError(f"scenario file {relative} does not exist") from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{relative}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{relative}: the top level must be a mapping")
    return data


def _apply(scenario: Scenario, data: Mapping[str, Any], where: str, depth: int = 0) -> None:
    if depth > 8:
        raise ScenarioError(f"{where}: includes nest too deep (a cycle?)")
    for included in data.get("include") or []:
        _apply(scenario, _read(str(included)), str(included), depth + 1)
    for attr in ("description", "context", "version"):
        if attr in data:
            setattr(scenario, attr, str(data[attr]))
    for index, ref in enumerate(data.get("remove") or []):
        key = _key({"kind": ref.get("kind"), "metadata": ref}, f"{where}: remove[{index}]")
        if scenario.objects.pop(key, None) is None:
            raise ScenarioError(f"{where}: remove[{index}] {key} is not in the scenario")
    for index, patch in enumerate(data.get("patch") or []):
        key = _key({"kind": patch.get("kind"), "metadata": patch}, f"{where}: patch[{index}]")
        if key not in scenario.objects:
            raise ScenarioError(f"{where}: patch[{index}] {key} is not in the scenario")
        scenario.objects[key] = deep_merge(scenario.objects[key], patch.get("merge") or {})
    for index, obj in enumerate(data.get("items") or []):
        if not isinstance(obj, dict):
            raise ScenarioError(f"{where}: items[{index}] must be a mapping")
        scenario.objects[_key(obj, f"{where}: items[{index}]")] = copy.deepcopy(obj)
    scenario.logs.update({str(k): str(v) for k, v in (data.get("logs") or {}).items()})
    for service, routes in (data.get("apps") or {}).items():
        scenario.apps[str(service)] = _routes(routes, f"{where}: apps[{service}]")
    scenario.faults.update(data.get("faults") or {})


def _routes(raw: Any, where: str) -> list[Route]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ScenarioError(f"{where} must be a list of routes")
    routes = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not str(entry.get("path", "")).startswith("/"):
            raise ScenarioError(f"{where}[{index}] needs a path starting with /")
        if "json" in entry:
            body, content_type = yaml_to_json(entry["json"]), "application/json"
        else:
            body, content_type = str(entry.get("body", "")), "text/html; charset=utf-8"
        routes.append(
            Route(
                path=str(entry["path"]),
                status=int(entry.get("status", 200)),
                body=body,
                content_type=str(entry.get("content_type", content_type)),
                query={str(k): str(v) for k, v in (entry.get("query") or {}).items()},
                basic_auth=entry.get("basic_auth"),
            )
        )
    return routes


def yaml_to_json(value: Any) -> str:
    import json

    return json.dumps(value)


def _synthesize_endpoints(scenario: Scenario) -> None:
    # The endpoints controller derives Endpoints from Services and Ready pods; do the
    # same so scenarios only state pods and services, like a real cluster's source of truth.
    for service in scenario.of_kind("Service"):
        namespace, name = namespace_of(service), name_of(service)
        if ("Endpoints", namespace, name) in scenario.objects:
            continue
        selector = (service.get("spec") or {}).get("selector")
        if not selector:
            continue
        pods = [
            p
            for p in scenario.of_kind("Pod", namespace)
            if all(labels_of(p).get(k) == v for k, v in selector.items())
        ]
        ready = [_address(p) for p in pods if is_ready(p)]
        not_ready = [_address(p) for p in pods if not is_ready(p)]
        subset: dict[str, Any] = {
            "ports": [
                {
                    "name": p.get("name", ""),
                    "port": p.get("targetPort", p.get("port")),
                    "protocol": "TCP",
                }
                for p in (service.get("spec") or {}).get("ports") or []
            ]
        }
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        endpoints = {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {"name": name, "namespace": namespace, "labels": labels_of(service)},
            "subsets": [subset] if pods else [],
        }
        scenario.objects[("Endpoints", namespace, name)] = endpoints


def _address(pod: Mapping[str, Any]) -> dict[str, Any]:
    status = pod.get("status") or {}
    return {
        "ip": status.get("podIP", ""),
        "nodeName": (pod.get("spec") or {}).get("nodeName", ""),
        "targetRef": {"kind": "Pod", "name": name_of(pod), "namespace": namespace_of(pod)},
    }


def load_scenario(name: str) -> Scenario:
    """Load scenario ``name`` with its includes, patches and derived Endpoints."""
    if name not in available_scenarios():
        raise ScenarioError(
            f"unknown scenario {name!r}; available: {', '.join(available_scenarios())}"
        )
    return scenario_from_data(name, _read(f"{name}.yaml"))


def parse_scenario(text: str, name: str = "inline") -> Scenario:
    """Load a scenario from YAML text (includes resolve in the loaded labs' folders)."""
    try:
        data = yamlio.load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{name}.yaml: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{name}.yaml: the top level must be a mapping")
    return scenario_from_data(name, data)


def scenario_from_data(
    name: str, data: Mapping[str, Any], extra: Sequence[Mapping[str, Any]] = ()
) -> Scenario:
    """Build a scenario from parsed YAML; any malformed entry becomes a :class:`ScenarioError`.

    ``extra`` layers (the timeline steps due so far) apply after the file, before the
    Endpoints are derived.
    """
    scenario = Scenario(name=name, source=data)
    try:
        _apply(scenario, data, f"{name}.yaml")
        for index, layer in enumerate(extra):
            _apply(scenario, layer, f"{name}.yaml: timeline[{index}]")
        _synthesize_endpoints(scenario)
        scenario.timeline = parse_timeline(data.get("timeline"), f"{name}.yaml")
        if scenario.timeline and not extra:
            scenario_from_data(name, data, layers(scenario.timeline))  # every step applies
    except ScenarioError:
        raise
    except (AttributeError, TypeError, ValueError, KeyError, IndexError) as exc:
        # A wrong type somewhere in hand-written YAML (a string where a list belongs):
        # name the file so the author finds it, instead of a bare traceback.
        raise ScenarioError(f"{name}.yaml: malformed entry ({type(exc).__name__}: {exc})") from exc
    return scenario
