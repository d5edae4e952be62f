"""What a student would look at next when a checkpoint fails, gathered for them.

For the pods a failed verdict names (its ``subjects``) this collects, with
read-only GETs through the run's cached :class:`ClusterReader`: a
``kubectl get pods -o wide``-like table, each container's state and restarts,
recent Warning events, and the last log lines of containers that are not
ready. Node trouble (a node that is not Ready) adds a
``kubectl get nodes`` table and the nodes' Warning events. Everything is
bounded in size and passed through :mod:`pytest_kubelab.redact`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from . import podstatus
from .catalog import render
from .cluster import ClusterReader, Obj, name_of
from .kubeapi import KubeApiError
from .lab import Lab
from .redact import redact
from .session import SETTINGS_KEY
from .verdict import Subject, Verdict

MAX_PODS = 8
MAX_EVENTS = 10
MAX_LOG_CONTAINERS = 3
LOG_LINES = 30
MAX_LINE = 500
MAX_SECTION = 6000
# Where kubelet and the node controller record node events.
NODE_EVENT_NAMESPACE = "default"


@dataclass(frozen=True)
class Section:
    """One titled block of diagnostics (a table, a list of events, a log tail)."""

    title: str
    text: str


@dataclass(frozen=True)
class Diagnostics:
    """The diagnostics of one failed checkpoint."""

    sections: tuple[Section, ...]

    def as_text(self) -> str:
        return "\n\n".join(f"--- {s.title} ---\n{s.text}" for s in self.sections)


def collect(reader: ClusterReader, verdict: Verdict, lang: str) -> Diagnostics | None:
    """Diagnostics for a failed ``verdict``; ``None`` when there is nothing to show."""
    sections: list[Section] = []
    try:
        for subject in verdict.subjects:
            sections.extend(_pod_sections(reader, subject, lang))
        sections.extend(_node_sections(reader, lang))
    except KubeApiError as exc:
        sections.append(
            Section(
                render("diag.title.unavailable", lang),
                render("diag.unavailable", lang, reason=exc.reason),
            )
        )
    if not sections:
        return None
    return Diagnostics(tuple(Section(s.title, _bounded(redact(s.text))) for s in sections))


def _pod_sections(reader: ClusterReader, subject: Subject, lang: str) -> list[Section]:
    pods = reader.list("Pod", subject.namespace, subject.selector)
    where = {"namespace": subject.namespace, "selector": _selector_flag(subject)}
    if not pods:
        return [Section(render("diag.title.pods", lang, **where), render("diag.no_pods", lang))]
    shown = sorted(pods, key=lambda p: (podstatus.is_ready(p), name_of(p)))[:MAX_PODS]
    sections = [
        Section(render("diag.title.pods", lang, **where), _pod_table(shown, lang)),
        Section(render("diag.title.containers", lang, **where), _container_lines(shown)),
    ]
    events = _warnings(reader.events_for(subject.namespace, [name_of(p) for p in shown]))
    if events:
        sections.append(Section(render("diag.title.events", lang, **where), events))
    sections.extend(_log_sections(reader, subject.namespace, shown, lang))
    return sections


def _selector_flag(subject: Subject) -> str:
    """`` -l k=v,...`` as kubectl takes it, so the titles are commands a student can rerun."""
    if not subject.selector:
        return ""
    return " -l " + ",".join(f"{k}={v}" for k, v in sorted(subject.selector.items()))


def _pod_table(pods: Sequence[Obj], lang: str) -> str:
    rows = [render("diag.columns.pods", lang).split("|")]
    for pod in pods:
        ready, total = podstatus.ready_counts(pod)
        status = pod.get("status") or {}
        rows.append(
            [
                name_of(pod),
                f"{ready}/{total}",
                pod_status(pod),
                str(podstatus.restarts(pod)),
                str((pod.get("spec") or {}).get("nodeName") or "<none>"),
                str(status.get("podIP") or "<none>"),
            ]
        )
    return _table(rows)


def pod_status(pod: Mapping[str, Any]) -> str:
    """The STATUS column of ``kubectl get pods``: the most telling reason, else the phase."""
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    status = pod.get("status") or {}
    for key in ("initContainerStatuses", "containerStatuses"):
        for container in status.get(key) or []:
            state = container.get("state") or {}
            for kind in ("waiting", "terminated"):
                reason = (state.get(kind) or {}).get("reason")
                if reason and reason != "Completed":
                    prefix = "Init:" if key.startswith("init") else ""
                    return f"{prefix}{reason}"
    return str(status.get("reason") or status.get("phase") or "Unknown")


def _container_lines(pods: Sequence[Obj]) -> str:
    lines: list[str] = []
    for pod in pods:
        status = pod.get("status") or {}
        for key in ("initContainerStatuses", "containerStatuses"):
            for container in status.get(key) or []:
                kind = "init " if key.startswith("init") else ""
                lines.append(
                    f"{name_of(pod)}/{kind}{container.get('name', '?')}: "
                    f"{_state(container.get('state') or {})}, ready={container.get('ready')}, "
                    f"restarts={container.get('restartCount', 0)}"
                    + _last_state(container.get("lastState") or {})
                )
    return "\n".join(lines) or "-"


def _state(state: Mapping[str, Any]) -> str:
    for kind in ("waiting", "running", "terminated"):
        detail = state.get(kind)
        if detail is None:
            continue
        parts = [kind]
        if detail.get("reason"):
            parts.append(str(detail["reason"]))
        if kind == "terminated":
            parts.append(f"exit {detail.get('exitCode', '?')}")
        text = " ".join(parts)
        if detail.get("message"):
            text += f" ({detail['message']})"
        return text
    return "unknown"


def _last_state(last: Mapping[str, Any]) -> str:
    terminated = last.get("terminated")
    if not terminated:
        return ""
    return (
        f", last: {terminated.get('reason') or 'terminated'} exit {terminated.get('exitCode', '?')}"
    )


def _warnings(events: Sequence[Obj]) -> str:
    warnings = [e for e in events if e.get("type") == "Warning"][-MAX_EVENTS:]
    lines = []
    for event in warnings:
        involved = event.get("involvedObject") or {}
        count = int(event.get("count") or 1)
        lines.append(
            f"{event.get('lastTimestamp') or event.get('eventTime') or '-'}  "
            f"{event.get('reason', '?')}  {involved.get('kind', '?')}/{involved.get('name', '?')}: "
            f"{str(event.get('message', '')).strip()}" + (f" (x{count})" if count > 1 else "")
        )
    return "\n".join(lines)


def _log_sections(
    reader: ClusterReader, namespace: str, pods: Sequence[Obj], lang: str
) -> list[Section]:
    sections: list[Section] = []
    for pod in pods:
        status = pod.get("status") or {}
        for key in ("initContainerStatuses", "containerStatuses"):
            for container in status.get(key) or []:
                if container.get("ready") or len(sections) >= MAX_LOG_CONTAINERS:
                    continue
                if "terminated" in (container.get("state") or {}) and key.startswith("init"):
                    continue  # a finished init container is not the problem
                name = str(container.get("name", ""))
                text = reader.logs(namespace, name_of(pod), name, tail=LOG_LINES)
                lines = text.splitlines()[-LOG_LINES:]
                sections.append(
                    Section(
                        render(
                            "diag.title.logs",
                            lang,
                            namespace=namespace,
                            pod=name_of(pod),
                            container=name,
                            lines=LOG_LINES,
                        ),
                        "\n".join(lines) if lines else render("diag.no_logs", lang),
                    )
                )
    return sections


def _node_sections(reader: ClusterReader, lang: str) -> list[Section]:
    # Only node trouble is worth showing: a healthy node table would be noise on every card.
    nodes = reader.list("Node")
    not_ready = [n for n in nodes if _node_ready(n) != "Ready"]
    if not not_ready:
        return []
    rows = [render("diag.columns.nodes", lang).split("|")]
    for node in sorted(nodes, key=name_of):
        info = (node.get("status") or {}).get("nodeInfo") or {}
        rows.append(
            [
                name_of(node),
                _node_ready(node),
                _node_role(node),
                str(info.get("kubeletVersion") or "-"),
                _internal_ip(node),
            ]
        )
    sections = [Section(render("diag.title.nodes", lang), _table(rows))]
    if not_ready:
        events = _warnings(reader.events_for(NODE_EVENT_NAMESPACE, [name_of(n) for n in not_ready]))
        conditions = [
            f"{name_of(n)}: {c.get('type')}={c.get('status')} "
            f"({c.get('reason', '-')}: {c.get('message', '')})"
            for n in not_ready
            for c in (n.get("status") or {}).get("conditions") or []
            if c.get("type") == "Ready"
        ]
        sections.append(
            Section(render("diag.title.node_conditions", lang), "\n".join(conditions) or "-")
        )
        if events:
            sections.append(Section(render("diag.title.node_events", lang), events))
    return sections


def _node_ready(node: Mapping[str, Any]) -> str:
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            return "Ready" if condition.get("status") == "True" else "NotReady"
    return "Unknown"


def _node_role(node: Mapping[str, Any]) -> str:
    labels = (node.get("metadata") or {}).get("labels") or {}
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k.removeprefix(prefix) for k in labels if k.startswith(prefix))
    return ",".join(roles) or "<none>"


def _internal_ip(node: Mapping[str, Any]) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address"))
    return "<none>"


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "   ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


def _bounded(text: str) -> str:
    lines = [
        line if len(line) <= MAX_LINE else line[: MAX_LINE - 1] + "…" for line in text.splitlines()
    ]
    clipped = "\n".join(lines)
    if len(clipped) > MAX_SECTION:
        clipped = clipped[:MAX_SECTION].rsplit("\n", 1)[0] + "\n…"
    return clipped


DIAGNOSTICS_KEY = pytest.StashKey[Diagnostics]()


def for_failure(item: pytest.Item, verdict: Verdict, lang: str) -> Diagnostics | None:
    """Diagnostics of a failed checkpoint test, stashed on the item for the HTML report.

    ``None`` when ``--lab-diagnostics=off``, when there is no cluster reader, or when
    there is nothing to show. Never raises: a diagnostics problem must not change a grade.
    """
    settings = item.config.stash[SETTINGS_KEY]
    lab = getattr(item, "funcargs", {}).get("lab")
    reader = lab.access.reader if isinstance(lab, Lab) else None
    if not settings.diagnostics or reader is None:
        return None
    try:
        found = collect(reader, verdict, lang)
    except Exception as exc:  # a grader fault here must not turn a failure into an error
        reason = redact(f"{type(exc).__name__}: {exc}")
        found = Diagnostics(
            (
                Section(
                    render("diag.title.unavailable", lang),
                    render("diag.unavailable", lang, reason=reason),
                ),
            )
        )
    if found is not None:
        item.stash[DIAGNOSTICS_KEY] = found
    return found
