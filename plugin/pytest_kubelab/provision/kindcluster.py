"""The lab's kind cluster (``cluster:`` of provision.yaml), created once and reused after.

Creation goes through pytest-kind-ng's :class:`pytest_kind.KindCluster`, always with an
explicit ``kind_path``: without one it would silently download an old kind release.
An existing cluster is reused as it is and is never deleted by this session.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kube.kubeconfig import resolve
from .tools import KubeTarget, ProvisionError, Tools, run


def _call_keeping_stderr(call: Callable[[], object]) -> tuple[Exception | None, str]:
    """Run ``call`` with file descriptor 2 sent to a temporary file; return (error, stderr).

    KindCluster runs kind with inherited stderr and ``check=True``, so kind's error text
    would otherwise be lost; the instructor needs it in the failure message.
    """
    error: Exception | None = None
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        try:
            os.dup2(sink.fileno(), 2)
            call()
        except Exception as exc:  # reported with the captured stderr below
            error = exc
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        sink.seek(0)
        return error, sink.read().decode("utf-8", "replace")


def _raise_for(error: Exception | None, stderr: str, what: str) -> None:
    if error is None:
        return
    if isinstance(error, subprocess.CalledProcessError):
        raise ProvisionError(
            f"{what} (exit status {error.returncode})",
            [str(part) for part in error.cmd],
            stderr,
        ) from error
    raise ProvisionError(f"{what}: {error}", (), stderr) from error


@dataclass
class ClusterHandle:
    """The lab cluster of this session, and whether this session created it."""

    name: str
    target: KubeTarget
    created: bool
    kind_cluster: Any = field(default=None, repr=False)  # pytest_kind.KindCluster when created

    def delete(self) -> None:
        """Delete the cluster, only if this session created it."""
        if not self.created or self.kind_cluster is None:
            return
        error, stderr = _call_keeping_stderr(self.kind_cluster.delete)
        _raise_for(error, stderr, f"kind could not delete cluster {self.name}")


def existing_clusters(tools: Tools) -> list[str]:
    """Names printed by ``kind get clusters`` (kind prints its 'none' notice to stderr)."""
    out = run([tools.kind, "get", "clusters"], what="listing kind clusters").stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def ensure_cluster(
    tools: Tools,
    name: str,
    config_file: Path,
    kubeconfig: Path,
    image: str | None = None,
) -> ClusterHandle:
    """Reuse kind cluster ``name`` if it exists, else create it from ``config_file``."""
    target = KubeTarget(kubeconfig, f"kind-{name}")
    if name in existing_clusters(tools):
        if resolve(kubeconfig, target.context).problem is not None:
            # The cluster exists but this kubeconfig does not know it (another file or user).
            run(
                [
                    tools.kind,
                    "export",
                    "kubeconfig",
                    f"--name={name}",
                    f"--kubeconfig={kubeconfig}",
                ],
                what=f"writing the kubeconfig of existing cluster {name}",
            )
        return ClusterHandle(name, target, created=False)
    from pytest_kind import KindCluster

    kubeconfig.parent.mkdir(parents=True, exist_ok=True)
    cluster = KindCluster(
        name, kubeconfig, image=image, kind_path=tools.kind, kubectl_path=tools.kubectl
    )
    error, stderr = _call_keeping_stderr(lambda: cluster.create(config_file))
    _raise_for(error, stderr, f"kind could not create cluster {name}")
    return ClusterHandle(name, target, created=True, kind_cluster=cluster)
