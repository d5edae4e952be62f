"""A cached, read-only view of the cluster that checks evaluate.

Lists are fetched once per (kind, namespace) and filtered locally, so a whole
lab is graded with a few dozen requests. A wait that needs fresh state calls
:meth:`ClusterReader.refresh` to drop the cache before it re-reads.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..redact import REDACTOR
from . import selectors, shapes
from .resources import resource_for
from .transport import Answer, KubeApi

Obj = dict[str, Any]
Objects = list[Obj]  # module-level alias: the reader's method `list` shadows the builtin
_Key = tuple[str, str | None]
# The most of one container's log a failure report reads (30 lines are shown, 500 chars each).
LOG_LIMIT_BYTES = 64 * 1024


def _metadata(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    metadata = obj.get("metadata") if isinstance(obj, Mapping) else None
    return metadata if isinstance(metadata, Mapping) else {}


def labels_of(obj: Mapping[str, Any]) -> dict[str, str]:
    """The object's labels; empty when there are none or they are not a map."""
    labels = _metadata(obj).get("labels")
    return dict(labels) if isinstance(labels, Mapping) else {}


def name_of(obj: Mapping[str, Any]) -> str:
    return str(_metadata(obj).get("name") or "")


def namespace_of(obj: Mapping[str, Any]) -> str:
    return str(_metadata(obj).get("namespace") or "")


# Lists a lab run reads in nearly every namespace it grades. Fetching them once,
# cluster-wide and in parallel, replaces one request per (kind, namespace) and lets
# the first checkpoints evaluate a consistent snapshot. Secrets are left out on
# purpose: they are read per namespace, only where a check needs them.
SNAPSHOT: tuple[tuple[str, str | None], ...] = tuple(
    (kind, None)
    for kind in (
        "Node",
        "Namespace",
        "Pod",
        "Service",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "Event",
        "HorizontalPodAutoscaler",
        # Read in one namespace each by most checks (PVCs, a Service's endpoints, an
        # APIService); cluster-wide they cost nothing extra inside the snapshot.
        "PersistentVolumeClaim",
        "Endpoints",
        "APIService",
    )
)


class ClusterReader:
    """Read-only access to one cluster, with a per-run cache of LIST answers."""

    def __init__(self, api: KubeApi) -> None:
        self.api = api
        self._lists: dict[_Key, Objects] = {}
        self._missing: set[_Key] = set()
        self._lock = threading.Lock()

    @property
    def server(self) -> str:
        return self.api.server

    def refresh(self) -> None:
        """Forget cached state so the next reads see the cluster as it is now."""
        with self._lock:
            self._lists.clear()
            self._missing.clear()

    def prefetch(self, wanted: Iterable[tuple[str, str | None]]) -> None:
        """Fetch several (kind, namespace) lists in parallel; failures are left for later."""
        todo = [key for key in dict.fromkeys(wanted) if key not in self._lists]
        if not todo:
            return
        # One thread per list: each is a round trip of waiting, not CPU.
        with ThreadPoolExecutor(max_workers=min(16, len(todo))) as pool:
            for future in [pool.submit(self._fetch, kind, ns) for kind, ns in todo]:
                # A failed prefetch is not an error here: the check that needs it reports.
                with contextlib.suppress(Exception):
                    future.result()

    def list(
        self,
        kind: str,
        namespace: str | None = None,
        selector: str | Mapping[str, str] | None = None,
    ) -> Objects:
        """List objects of ``kind`` (in ``namespace``), filtered by a label selector."""
        items = self._fetch(kind, namespace)
        match = selectors.parse(selector)
        return [obj for obj in items if match(labels_of(obj))]

    def get(self, kind: str, name: str, namespace: str | None = None) -> Obj | None:
        """Return one object, or ``None`` when it does not exist."""
        found: Obj | None = next(
            (obj for obj in self._fetch(kind, namespace) if name_of(obj) == name), None
        )
        return found

    def exists(self, kind: str, namespace: str | None = None) -> bool:
        """Whether the API serves ``kind`` at all (e.g. the metrics API is registered)."""
        self._fetch(kind, namespace)
        scope = namespace if resource_for(kind).namespaced else None
        return (kind, scope) not in self._missing

    def events_for(self, namespace: str, names: Sequence[str]) -> Objects:
        """Events of ``namespace`` whose involved object is one of ``names``, oldest first."""
        wanted = set(names)
        events = [
            e
            for e in self._fetch("Event", namespace)
            if (e.get("involvedObject") or {}).get("name") in wanted
        ]
        return sorted(events, key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))

    def logs(
        self, namespace: str, pod: str, container: str, tail: int = 30, *, previous: bool = False
    ) -> str:
        """The last ``tail`` lines of a container's log ("" if there are none).

        ``previous`` reads the instance that ran before (``kubectl logs --previous``),
        which is where a crash-looping container's error is.

        At most :data:`LOG_LIMIT_BYTES` are read: ``limitBytes`` asks the API server for
        no more, and the transport cuts the body there if the server ignores it (a
        50 MB one-line log is never downloaded whole).
        """
        answer = self.api.get(
            f"/api/v1/namespaces/{namespace}/pods/{pod}/log",
            [
                ("container", container),
                ("tailLines", str(tail)),
                ("limitBytes", str(LOG_LIMIT_BYTES)),
                *([("previous", "true")] if previous else []),
            ],
            accept="text/plain",
            max_bytes=LOG_LIMIT_BYTES,
        )
        return answer.text if answer.status == 200 else ""

    def proxy(
        self, namespace: str, service: str, path: str, query: Sequence[tuple[str, str]] = ()
    ) -> Answer:
        """GET ``path`` of a Service through the API server's service proxy."""
        return self.api.service_proxy(namespace, service, path, query)

    def _fetch(self, kind: str, namespace: str | None) -> Objects:
        resource = resource_for(kind)
        if not resource.namespaced:
            namespace = None  # one cache entry for a cluster-scoped kind, however asked
        key = (kind, namespace)
        with self._lock:
            cached = self._lists.get(key)
            everywhere = self._lists.get((kind, None))
            usable = everywhere is not None and (kind, None) not in self._missing
            if cached is None and usable and namespace and resource.namespaced:
                # A cluster-wide snapshot (see SNAPSHOT) answers every namespace's list;
                # the namespace's share is kept, so it is filtered out only once.
                cached = [obj for obj in everywhere or [] if namespace_of(obj) == namespace]
                self._lists[key] = cached
        if cached is not None:
            return cached
        path = resource.collection_path(namespace)
        data = self.api.get_json(path)
        raw_items = (data or {}).get("items") or []
        if not isinstance(raw_items, list):
            raise shapes.MalformedObject(f"{kind}List", "items", "list", raw_items)
        items: Objects = []
        for index, raw in enumerate(raw_items):
            # A wrong type anywhere fails the checkpoint that reads it, naming the field.
            shapes.check_object(raw, f"{kind} #{index}" if not isinstance(raw, dict) else kind)
            item = dict(raw)
            # LIST answers omit kind/apiVersion on items; checks and messages want them.
            item.setdefault("kind", kind)
            items.append(item)
        if kind == "Secret":
            # Whatever Secret the run reads must never show up in what it writes.
            REDACTOR.remember_secrets(items)
        with self._lock:
            self._lists[key] = items
            if data is None:
                self._missing.add(key)
        return items
