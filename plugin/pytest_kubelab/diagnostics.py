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

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from .catalog import render
from .kube import podstatus
from .kube.reader import ClusterReader, Obj, name_of
from .kube.transport import KubeApiError
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
        return as_text(self.pairs())

    def pairs(self) -> tuple[tuple[str, str], ...]:
        """The sections as (title, text): how an outcome carries them (also across xdist)."""
        return tuple((s.title, s.text) for s in self.sections)


def as_text(pairs: Iterable[tuple[str, str]]) -> str:
    """Diagnostics sections as the plain text of a failure in the terminal and JUnit XML."""
    return "\n\n".join(f"--- {title} ---\n{text}" for title, text in pairs)


def collect(reader: ClusterReader, verdict: Verdict, lang: str) -> Diagnostics | None:
    """Diagnostics for a failed ``verdict``; ``None`` when there is nothing to show."""
    sections: list[Section] = []
    try:
        for subject in verdict.subjects or _inferred_subjects(reader, verdict):
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


# How messages name a workload or a Service: "Kind namespace/name" (kind and namespace
# optional), maybe ":port" after it.
_NAMED = re.compile(
    r"^(?:(?P<kind>[A-Z][A-Za-z]+) )?(?:(?P<namespace>[a-z0-9.-]+)/)?(?P<name>[a-z0-9.-]+)"
)
_WORKLOAD_KINDS = ("Deployment", "DaemonSet", "StatefulSet")


def _inferred_subjects(reader: ClusterReader, verdict: Verdict) -> list[Subject]:
    """The pods behind the workload or Service a failure names, when its check did not say.

    Many checks fail on something a pod explains (a Service with no ready endpoint, an
    API that does not answer) without attaching the pods. Their messages name the
    workload (parameter ``workload``) or the Service (``service``); its selector gives
    the pods. Only a selection with a pod that is not ready, or with no pod at all, is
    returned: diagnostics of healthy pods would be noise on the card.
    """
    subjects: list[Subject] = []
    for param, kinds in (("workload", _WORKLOAD_KINDS), ("service", ("Service",))):
        found = _NAMED.match(str(verdict.params.get(param, "")))
        if found is None:
            continue
        # "name" alone when the namespace is a parameter of its own.
        namespace = found["namespace"] or str(verdict.params.get("namespace") or "")
        name = found["name"]
        if not namespace:
            continue
        wanted = (found["kind"],) if found["kind"] in kinds else kinds
        obj = next((o for k in wanted if (o := reader.get(k, name, namespace))), None)
        spec = (obj or {}).get("spec") or {}
        selector = (spec.get("selector") or {}).get("matchLabels") or (
            spec.get("selector") if "Service" in wanted else None
        )
        if obj is None or not isinstance(selector, Mapping) or not selector:
            continue
        subject = Subject(namespace, {str(k): str(v) for k, v in selector.items()})
        pods = reader.list("Pod", namespace, subject.selector)
        if not pods or not all(podstatus.is_ready(p) for p in pods):
            subjects.append(subject)
    return subjects


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
    """Warning events, one line each; the same reason and message for several objects
    (three replicas failing to pull one image) is one line naming them all."""
    warnings = [e for e in events if e.get("type") == "Warning"][-MAX_EVENTS:]
    groups: dict[tuple[str, str], list[Obj]] = {}
    for event in warnings:
        key = (str(event.get("reason", "?")), str(event.get("message", "")).strip())
        groups.setdefault(key, []).append(event)
    lines = []
    for (reason, message), same in groups.items():
        last = same[-1]
        names = ", ".join(
            dict.fromkeys(
                f"{(e.get('involvedObject') or {}).get('kind', '?')}/"
                f"{(e.get('involvedObject') or {}).get('name', '?')}"
                for e in same
            )
        )
        count = max(int(e.get("count") or 1) for e in same)
        lines.append(
            f"{last.get('lastTimestamp') or last.get('eventTime') or '-'}  {reason}  {names}: "
            f"{message}" + (f" (x{count})" if count > 1 else "")
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class LogTail:
    """The log lines read for one container, and what kind of log they are."""

    pod: str
    container: str
    previous: bool  # the instance that ran before (``kubectl logs --previous``)
    exit: str  # how that previous instance ended, e.g. "Error, exit 1"; "" for the current one
    text: str


def _log_sections(
    reader: ClusterReader, namespace: str, pods: Sequence[Obj], lang: str
) -> list[Section]:
    """Log tails of the containers that are not ready: crash logs first, each text once.

    A container that crashed and restarted has its error in the *previous*
    instance's log, so that one is read (and, while the container waits in
    CrashLoopBackOff, the current log is the same instance, so it is not read again).
    A container that never started has no log at all: it is named, not fetched.
    """
    tails: list[LogTail] = []
    never_started: list[str] = []
    reads = 0
    for pod in pods:
        status = pod.get("status") or {}
        for key in ("initContainerStatuses", "containerStatuses"):
            for container in status.get(key) or []:
                state = container.get("state") or {}
                if container.get("ready"):
                    continue
                if "terminated" in state and key.startswith("init"):
                    continue  # a finished init container is not the problem
                name = str(container.get("name", ""))
                last = (container.get("lastState") or {}).get("terminated")
                if not last and "waiting" in state:
                    never_started.append(f"{name_of(pod)}/{name}")
                    continue
                if reads >= MAX_LOG_CONTAINERS:
                    continue
                reads += 1
                earlier = (
                    _tail(reader, namespace, pod, name, previous=True, last=last) if last else None
                )
                if earlier is not None:
                    tails.append(earlier)
                # While it waits to restart, the current log is the instance that just ended:
                # read it only when the previous one says nothing.
                if earlier is None or "waiting" not in state or not earlier.text.strip():
                    tails.append(_tail(reader, namespace, pod, name, previous=False, last=None))
    sections = [_log_section(group, namespace, lang) for group in _same_text(tails)]
    spoke = {(t.pod, t.container) for t in tails if t.text.strip()}
    empty = list(
        dict.fromkeys(f"{t.pod}/{t.container}" for t in tails if (t.pod, t.container) not in spoke)
    )
    if empty or never_started:
        lines = []
        if never_started:
            lines.append(
                render("diag.logs_never_started", lang, containers=", ".join(never_started))
            )
        if empty:
            lines.append(render("diag.logs_empty", lang, containers=", ".join(empty)))
        sections.append(Section(render("diag.title.no_logs", lang), "\n".join(lines)))
    return sections


def _tail(
    reader: ClusterReader,
    namespace: str,
    pod: Obj,
    container: str,
    *,
    previous: bool,
    last: Mapping[str, Any] | None,
) -> LogTail:
    text = reader.logs(namespace, name_of(pod), container, tail=LOG_LINES, previous=previous)
    exit_text = ""
    if last is not None:
        exit_text = f"{last.get('reason') or 'terminated'}, exit {last.get('exitCode', '?')}"
    lines = text.splitlines()[-LOG_LINES:]
    return LogTail(name_of(pod), container, previous, exit_text, "\n".join(lines))


def _same_text(tails: Sequence[LogTail]) -> list[list[LogTail]]:
    """Non-empty tails grouped by identical text (same kind of log), in first-seen order."""
    groups: dict[tuple[bool, str], list[LogTail]] = {}
    for tail in tails:
        if tail.text.strip():
            groups.setdefault((tail.previous, tail.text), []).append(tail)
    return list(groups.values())


def _log_section(group: Sequence[LogTail], namespace: str, lang: str) -> Section:
    first = group[0]
    where = {
        "namespace": namespace,
        "pod": first.pod,
        "container": first.container,
        "lines": LOG_LINES,
    }
    if first.previous:
        title = render("diag.title.previous_logs", lang, exit=first.exit, **where)
    else:
        title = render("diag.title.logs", lang, **where)
    text = first.text
    if len(group) > 1:
        same = ", ".join(f"{t.pod}/{t.container}" for t in group)
        text = render("diag.same_log", lang, count=len(group), containers=same) + "\n" + text
    return Section(title, text)


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


def for_failure(item: pytest.Item, verdict: Verdict, lang: str) -> Diagnostics | None:
    """Diagnostics of a failed checkpoint test, read through its ``lab`` fixture's reader.

    They become part of the checkpoint's outcome (:mod:`pytest_kubelab.outcome`).

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
    return found
