"""Defensive reading of HTTP answers from lab apps (Prometheus, Loki, Jaeger, Kubecost, Grafana).

A student's cluster can answer anything: an HTML error page from a proxy, a
truncated body, ``text/plain`` where JSON is expected, JSON of another shape.
Those are facts about the cluster, so a check must turn them into a *failed*
verdict with a message, never into an exception (which would be graded as a
grader ``error``). Use it like this in a check::

    answer = lab.cluster.proxy("monitoring", "prometheus-operated:9090", "/api/v1/query", q)
    result = read_json(answer, "Prometheus /api/v1/query")
    if not isinstance(result, JsonBody):
        return result                       # failed/pending verdict, already explained
    samples = dig(result.data, "data", "result", default=[])

``read_json`` checks, in order: an answer arrived at all (:class:`NoAnswer` from
``probes.http_get``), the status (502/503/504 are *pending*: the app is still
starting; other non-2xx fail), the content type, that the body parses, and that
the top level is the expected type. ``dig`` walks nested dicts/lists and returns
``default`` on any shape mismatch instead of raising ``KeyError``/``TypeError``.

A ``KeyError``/``TypeError`` raised by a check itself remains a grader error on
purpose: it is a bug in the check, not a student mistake.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from .kubeapi import Answer
from .probes import NoAnswer
from .verdict import Verdict, failed, pending

STARTING_STATUSES = frozenset({502, 503, 504})
_JSON_TYPES = ("application/json", "+json", "text/json")


@dataclass(frozen=True)
class JsonBody:
    """A successfully parsed JSON answer."""

    status: int
    data: Any


def _excerpt(text: str) -> str:
    return " ".join(text[:80].split()) or "(empty)"


def read_json(
    answer: Answer | NoAnswer,
    what: str,
    *,
    expect: type = dict,
    starting_statuses: Collection[int] = STARTING_STATUSES,
    strict_content_type: bool = False,
) -> JsonBody | Verdict:
    """Parse ``answer`` as JSON of type ``expect``, or explain why it is not usable.

    ``what`` names the endpoint for the student ("Kubecost /model/allocation").
    With ``strict_content_type`` a JSON body served as e.g. ``text/html`` fails
    too; by default only an unparsable body fails, because some apps (Loki 2.x)
    answer JSON as ``text/plain``.
    """
    if isinstance(answer, NoAnswer):
        return failed("answer.no_answer", what=what, url=answer.url, reason=answer.reason)
    if answer.status in starting_statuses:
        return pending("answer.starting", what=what, status=answer.status)
    if not 200 <= answer.status < 300:
        return failed(
            "answer.status", what=what, status=answer.status, excerpt=_excerpt(answer.text)
        )
    content_type = answer.content_type.split(";")[0].strip().lower()
    if strict_content_type and not any(t in content_type for t in _JSON_TYPES):
        return failed(
            "answer.not_json",
            what=what,
            content_type=content_type or "-",
            excerpt=_excerpt(answer.text),
        )
    try:
        data = json.loads(answer.text)
    except ValueError:
        return failed(
            "answer.not_json",
            what=what,
            content_type=content_type or "-",
            excerpt=_excerpt(answer.text),
        )
    if not isinstance(data, expect):
        return failed("answer.bad_shape", what=what, expected=expect.__name__, seen=_kind(data))
    return JsonBody(answer.status, data)


def dig(data: Any, *path: str | int, default: Any = None) -> Any:
    """``data[p0][p1]...``, or ``default`` as soon as a step does not fit the shape."""
    current = data
    for step in path:
        if isinstance(current, list) and isinstance(step, int):
            if not -len(current) <= step < len(current):
                return default
            current = current[step]
        elif isinstance(current, dict) and isinstance(step, str) and step in current:
            current = current[step]
        else:
            return default
    return current


def _kind(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")
