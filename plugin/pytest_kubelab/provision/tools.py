"""Find the command-line tools provisioning drives, and run them with their errors kept.

Every command runs as a subprocess with an explicit kubeconfig and context, so a
provisioning run never depends on (or changes) whatever context happens to be current.
A failing command raises :class:`ProvisionError` carrying the command and the tail of
its stderr, which is what an instructor needs to see to fix the environment.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

STDERR_TAIL_LINES = 15

INSTALL_HINTS = {
    "kind": "install kind (https://kind.sigs.k8s.io/docs/user/quick-start/#installation), "
    "e.g. `go install sigs.k8s.io/kind@v0.25.0`, or pass its path with --kind-bin",
    "helm": "install Helm 3 (https://helm.sh/docs/intro/install/), "
    "or pass its path with --helm-bin",
    "kubectl": "install kubectl (https://kubernetes.io/docs/tasks/tools/), "
    "or pass its path with --kind-kubectl-bin",
}


class ProvisionError(Exception):
    """A provisioning step could not be carried out; the message says which command and why."""

    def __init__(self, message: str, command: Sequence[str] = (), stderr: str = "") -> None:
        self.command = tuple(command)
        self.stderr_tail = tail(stderr)
        text = message
        if self.command:
            text += f"\n  command: {shlex.join(self.command)}"
        if self.stderr_tail:
            text += "\n  stderr (last lines):\n" + "\n".join(
                f"    {line}" for line in self.stderr_tail.splitlines()
            )
        super().__init__(text)


def tail(text: str, lines: int = STDERR_TAIL_LINES) -> str:
    """The last ``lines`` non-empty lines of ``text``."""
    kept = [line for line in text.splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def find_tool(name: str, explicit: str | None = None) -> Path:
    """The executable ``name``: the explicit path if given, else the first one on PATH.

    Never downloads anything: a missing tool stops the run with how to install it.
    """
    if explicit:
        path = Path(explicit).expanduser()
        if path.is_file() and os.access(path, os.X_OK):
            return path
        raise ProvisionError(f"{name}: {path} is not an executable file; {INSTALL_HINTS[name]}")
    found = shutil.which(name)
    if found is None:
        raise ProvisionError(f"{name} was not found on PATH; {INSTALL_HINTS[name]}")
    return Path(found)


@dataclass(frozen=True)
class Tools:
    """The executables provisioning uses; helm only when a built step installs a chart."""

    kind: Path
    helm_path: Path | None
    kubectl: Path

    @property
    def helm(self) -> Path:
        if self.helm_path is None:
            # tools_for() looks helm up whenever a planned step has a helm action.
            raise ProvisionError(f"helm was not looked up for this build; {INSTALL_HINTS['helm']}")
        return self.helm_path


@dataclass(frozen=True)
class KubeTarget:
    """Which kubeconfig file and context every kubectl/helm command addresses."""

    kubeconfig: Path
    context: str

    def kubectl_args(self) -> list[str]:
        return [f"--kubeconfig={self.kubeconfig}", f"--context={self.context}"]

    def helm_args(self) -> list[str]:
        return ["--kubeconfig", str(self.kubeconfig), "--kube-context", self.context]


def run(
    command: Sequence[str | Path],
    *,
    what: str,
    timeout: float | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run ``command``; on failure raise :class:`ProvisionError` saying ``what`` failed."""
    argv = [str(part) for part in command]
    try:
        completed = subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, check=False
        )
    except FileNotFoundError as exc:
        raise ProvisionError(f"{what}: cannot execute {argv[0]} ({exc})", argv) from exc
    except subprocess.TimeoutExpired as exc:
        stderr = exc.stderr.decode() if isinstance(exc.stderr, bytes) else (exc.stderr or "")
        raise ProvisionError(f"{what}: timed out after {timeout:g}s", argv, stderr) from exc
    if check and completed.returncode != 0:
        raise ProvisionError(
            f"{what}: exit status {completed.returncode}",
            argv,
            completed.stderr or completed.stdout,
        )
    return completed
