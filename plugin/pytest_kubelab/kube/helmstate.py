"""Helm release state, read from the labels of Helm's release Secrets.

Helm 3 stores each revision as a Secret ``sh.helm.release.v1.<name>.v<rev>``
labelled ``owner=helm``, ``name=<release>``, ``status=<status>`` and
``version=<rev>``. The labels are enough to know whether a release is
deployed, so the payload (which holds the values, possibly passwords) is never
decoded here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .reader import ClusterReader, labels_of


@dataclass(frozen=True)
class Release:
    """The newest revision of a Helm release."""

    name: str
    namespace: str
    revision: int
    status: str

    @property
    def deployed(self) -> bool:
        return self.status == "deployed"


def release(cluster: ClusterReader, namespace: str, name: str) -> Release | None:
    """Return the newest revision of release ``name`` in ``namespace``, or ``None``."""
    revisions = [
        labels_of(secret)
        for secret in cluster.list("Secret", namespace, {"owner": "helm", "name": name})
    ]
    if not revisions:
        return None
    newest = max(revisions, key=lambda labels: int(labels.get("version", "0") or 0))
    return Release(
        name=name,
        namespace=namespace,
        revision=int(newest.get("version", "0") or 0),
        status=newest.get("status", "unknown"),
    )
