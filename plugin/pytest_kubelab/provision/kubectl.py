"""Plain manifests and small patches, applied with kubectl (explicit kubeconfig/context).

Idempotency: a manifest file whose objects all exist already is not applied again. That
matters for the cost lab, where re-applying ``replicas: 3`` would fight the HPA that has
since scaled the Deployment to its minimum.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .tools import KubeTarget, ProvisionError, Tools, run


def manifest_objects(path: Path) -> list[dict[str, Any]]:
    """The non-empty YAML documents of a manifest file."""
    docs = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    return [doc for doc in docs if isinstance(doc, dict) and doc]


def kubectl(tools: Tools, target: KubeTarget, *args: str, what: str) -> str:
    return run([tools.kubectl, *target.kubectl_args(), *args], what=what).stdout


def existing_from_file(tools: Tools, target: KubeTarget, path: Path) -> list[str]:
    """``kind/name`` of the objects of ``path`` that exist in the cluster."""
    out = kubectl(
        tools,
        target,
        "get",
        "-f",
        str(path),
        "--ignore-not-found",
        "-o",
        "name",
        what=f"checking which objects of {path.name} exist",
    )
    return [line.strip() for line in out.splitlines() if line.strip()]


def exists(tools: Tools, target: KubeTarget, kind: str, name: str, namespace: str) -> bool:
    out = kubectl(
        tools,
        target,
        "get",
        kind,
        name,
        "--namespace",
        namespace,
        "--ignore-not-found",
        "-o",
        "name",
        what=f"checking whether {kind} {namespace}/{name} exists",
    )
    return bool(out.strip())


def apply(tools: Tools, target: KubeTarget, source: str) -> str:
    """``kubectl apply -f source`` (a file or an https URL); returns kubectl's summary."""
    return kubectl(tools, target, "apply", "-f", source, what=f"applying {source}")


def ensure_file(tools: Tools, target: KubeTarget, path: Path) -> bool:
    """Apply ``path`` unless every object in it exists; True when kubectl apply ran."""
    wanted = manifest_objects(path)
    if not wanted:
        raise ProvisionError(f"{path} holds no Kubernetes objects")
    if len(existing_from_file(tools, target, path)) >= len(wanted):
        return False
    apply(tools, target, str(path))
    return True


def container_args(tools: Tools, target: KubeTarget, namespace: str, deployment: str) -> list[str]:
    out = kubectl(
        tools,
        target,
        "get",
        "deployment",
        deployment,
        "--namespace",
        namespace,
        "-o",
        "json",
        what=f"reading Deployment {namespace}/{deployment}",
    )
    try:
        data = json.loads(out)
        args = data["spec"]["template"]["spec"]["containers"][0].get("args") or []
    except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
        raise ProvisionError(
            f"Deployment {namespace}/{deployment}: unexpected kubectl output ({exc})"
        ) from exc
    return [str(arg) for arg in args]


def ensure_arg(tools: Tools, target: KubeTarget, namespace: str, deployment: str, arg: str) -> bool:
    """Add ``arg`` to the first container's args (the lab's JSON patch) unless present."""
    if arg in container_args(tools, target, namespace, deployment):
        return False
    patch = [{"op": "add", "path": "/spec/template/spec/containers/0/args/-", "value": arg}]
    kubectl(
        tools,
        target,
        "patch",
        "deployment",
        deployment,
        "--namespace",
        namespace,
        "--type=json",
        "-p",
        json.dumps(patch),
        what=f"adding {arg} to Deployment {namespace}/{deployment}",
    )
    return True
