"""Types are data, not crashes: API objects are checked for the shapes the checks read.

A real API server never sends ``containerStatuses`` as a string, labels as a list
or ``minReplicas: "2"``; a fake or hostile one can. Every object the
:class:`~pytest_kubelab.kube.reader.ClusterReader` returns has been walked once here,
and the first field of a wrong type raises :class:`MalformedObject`: the
checkpoint fails with the object, the field and what was seen, instead of a
check crashing with ``AttributeError`` (a grader ``error``) or comparing ``"2"``
with ``2`` and printing "minReplicas: 2 (want 2)".

Kubernetes uses the same field name with the same type across kinds (``replicas``
is an integer, ``conditions`` a list of objects, ``labels`` a map of strings), so
the rules are keyed by field name. ``null`` counts as absent, as the checks
already treat it. Free-form maps (labels, annotations, data) are checked for
string values and not descended into further.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import timebox
from ..verdict import CheckpointFailed, failed

MAX_DEPTH = 64

MAPPINGS = frozenset(
    {
        "metadata",
        "spec",
        "template",
        "selector",
        "state",
        "lastState",
        "waiting",
        "running",
        "terminated",
        "resources",
        "requests",
        "limits",
        "usage",
        "involvedObject",
        "scaleTargetRef",
        "behavior",
        "scaleUp",
        "scaleDown",
        "target",
        "resource",
        "current",
        "nodeInfo",
        "targetRef",
        "capacity",
        "allocatable",
    }
)
LISTS_OF_MAPPINGS = frozenset(
    {
        "containers",
        "initContainers",
        "containerStatuses",
        "initContainerStatuses",
        "conditions",
        "ports",
        "subsets",
        "addresses",
        "notReadyAddresses",
        "endpoints",
        "metrics",
        "currentMetrics",
        "policies",
        "items",
        "ownerReferences",
    }
)
LISTS = frozenset({"args", "command"})
INTEGERS = frozenset(
    {
        "replicas",
        "readyReplicas",
        "availableReplicas",
        "updatedReplicas",
        "unavailableReplicas",
        "currentReplicas",
        "desiredReplicas",
        "restartCount",
        "nodePort",
        "containerPort",
        "minReplicas",
        "maxReplicas",
        "numberReady",
        "numberAvailable",
        "numberUnavailable",
        "desiredNumberScheduled",
        "currentNumberScheduled",
        "updatedNumberScheduled",
        "numberMisscheduled",
        "observedGeneration",
        "generation",
        "count",
        "exitCode",
        "averageUtilization",
        "stabilizationWindowSeconds",
        "periodSeconds",
    }
)
STRINGS = frozenset(
    {
        "name",
        "namespace",
        "kind",
        "apiVersion",
        "phase",
        "type",
        "reason",
        "message",
        "nodeName",
        "image",
        "podIP",
        "hostIP",
        "clusterIP",
        "lastTimestamp",
        "firstTimestamp",
        "eventTime",
        "lastTransitionTime",
        "creationTimestamp",
        "kubeletVersion",
        "serviceAccountName",
    }
)
BOOLEANS = frozenset({"ready", "started"})
# Maps whose keys are the user's own (label keys, ConfigMap keys): values must be strings.
FREE_FORM_STRINGS = frozenset({"labels", "annotations", "matchLabels", "nodeSelector", "data"})
# Big subtrees no check reads.
SKIPPED = frozenset({"managedFields", "env", "volumes", "volumeMounts", "affinity"})
# Keys whose type depends on where they are: "status" is the object's status at the
# top and a "True"/"False" string inside a condition; "port" is a number in a Service
# but a name or number in probes and metric targets.
_CONDITION_STRINGS = frozenset({"status", "type", "reason", "message"})


class MalformedObject(CheckpointFailed, Exception):
    """An API object has a field of a wrong type; the checkpoint fails and names it.

    Like :class:`~pytest_kubelab.timebox.DeadlineReached` it is a checkpoint failure
    and an ``Exception``, so optional extras (diagnostics, prefetch) survive it.
    """

    def __init__(self, where: str, field: str, expected: str, seen: Any) -> None:
        lang = timebox.run_lang()
        excerpt = " ".join(repr(seen).split())[:60]
        verdict = failed(
            "object.malformed",
            where=where,
            field=field,
            expected=type_name(expected, lang),
            seen=type_name(kind_of(seen), lang),
            excerpt=excerpt,
        )
        super().__init__(verdict.render(lang), verdict)
        self.where = where
        self.field = field


def kind_of(value: Any) -> str:
    """The JSON type of ``value`` as a catalog word: mapping, list, string, number, ..."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, Mapping):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "string"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return "number"
    return "value"


def type_name(kind: str, lang: str) -> str:
    from ..catalog import render

    return render(f"type.{kind}", lang)


def _expected(key: str, value: Any, path: str, in_condition: bool) -> str | None:
    """The type ``value`` at ``path`` should have under ``key``, or ``None`` when it has it."""
    if key == "conditions" and isinstance(value, Mapping) and ".endpoints[" in f".{path}":
        return None  # an EndpointSlice endpoint's conditions are a map ({ready: true})
    if key == "addresses" and isinstance(value, list) and ".endpoints[" in f".{path}":
        return None  # an EndpointSlice endpoint's addresses are plain IP strings
    if key == "selector" and isinstance(value, str) and path.startswith("status."):
        return None  # a scale status' selector is the label selector as text
    if in_condition and key in _CONDITION_STRINGS:
        return None if isinstance(value, str) else "string"
    if key in MAPPINGS or key in FREE_FORM_STRINGS:
        return None if isinstance(value, Mapping) else "mapping"
    if key in LISTS_OF_MAPPINGS or key in LISTS:
        return None if isinstance(value, list) else "list"
    if key in INTEGERS:
        return None if isinstance(value, int) and not isinstance(value, bool) else "integer"
    if key in STRINGS:
        return None if isinstance(value, str) else "string"
    if key in BOOLEANS:
        return None if isinstance(value, bool) else "boolean"
    return None


def check_object(obj: Any, where: str) -> None:
    """Raise :class:`MalformedObject` for the first field of ``obj`` with a wrong type."""
    if not isinstance(obj, Mapping):
        raise MalformedObject(where, "-", "mapping", obj)
    metadata = obj.get("metadata")
    meta: Mapping[str, Any] = metadata if isinstance(metadata, Mapping) else {}
    name, namespace = meta.get("name"), meta.get("namespace")
    label = where
    if isinstance(name, str) and name:
        scoped = f"{namespace}/{name}" if isinstance(namespace, str) and namespace else name
        label = f"{where} {scoped}"
    status = obj.get("status")
    if status is not None and not isinstance(status, Mapping):
        raise MalformedObject(label, "status", "mapping", status)
    _walk(obj, "", label, 0, False)


def _walk(value: Mapping[str, Any], path: str, label: str, depth: int, in_condition: bool) -> None:
    if depth > MAX_DEPTH:
        raise MalformedObject(label, path or "-", "mapping", "…")
    for key, child in value.items():
        if child is None or key in SKIPPED:
            continue
        here = f"{path}.{key}" if path else str(key)
        want = _expected(str(key), child, here, in_condition)
        if want is not None:
            raise MalformedObject(label, here, want, child)
        if key in FREE_FORM_STRINGS:
            for entry, text in child.items():
                if text is not None and not isinstance(text, str):
                    raise MalformedObject(label, f"{here}.{entry}", "string", text)
            continue
        if isinstance(child, Mapping):
            _walk(child, here, label, depth + 1, False)
        elif isinstance(child, list):
            listed = key in LISTS_OF_MAPPINGS and not (
                key == "addresses" and ".endpoints[" in f".{here}"
            )
            for index, entry in enumerate(child):
                if entry is None:
                    continue
                if listed and not isinstance(entry, Mapping):
                    raise MalformedObject(label, f"{here}[{index}]", "mapping", entry)
                if isinstance(entry, Mapping):
                    _walk(entry, f"{here}[{index}]", label, depth + 1, key == "conditions")
