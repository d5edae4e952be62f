"""Fake ``kind``, ``helm`` and ``kubectl`` for the --lab-provision self-tests (not a test module).

Run as ``python fake_kube_tools.py <tool> <argv...>`` through shims the tests write. Each
call is appended to $FAKE_KUBE_LOG as a JSON list ``[tool, *argv]``; cluster state lives in
the JSON file $FAKE_KUBE_STATE::

    {"clusters": [...], "releases": {"ns/name": {"chart", "status", "values"}},
     "objects": {"deployment/ns/name": {...}}, "fail": {"<tool> <subcommand>": "stderr text"}}

A ``fail`` entry makes that command print its text to stderr and exit 1, like the real tool.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import yaml

STATE = Path(os.environ["FAKE_KUBE_STATE"])
LOG = Path(os.environ["FAKE_KUBE_LOG"])


def load() -> dict[str, Any]:
    state = json.loads(STATE.read_text()) if STATE.exists() else {}
    for key, empty in (("clusters", []), ("releases", {}), ("objects", {}), ("fail", {})):
        state.setdefault(key, empty)
    return state


def save(state: dict[str, Any]) -> None:
    STATE.write_text(json.dumps(state, indent=1))


def option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def positional(argv: list[str]) -> list[str]:
    """Arguments that are neither options nor option values (good enough for these calls)."""
    takes_value = {
        "--namespace",
        "-n",
        "--filter",
        "--output",
        "-o",
        "--repo",
        "--version",
        "--values",
        "-f",
        "--timeout",
        "--kubeconfig",
        "--kube-context",
        "-p",
        "--config",
        "--context",
    }
    out, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-"):
            out.append(arg)
    return out


def write_kubeconfig(path: str, name: str) -> None:
    context = f"kind-{name}"
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": context,
                "clusters": [{"name": context, "cluster": {"server": "https://127.0.0.1:1"}}],
                "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
                "users": [{"name": context, "user": {"token": "fake"}}],
            }
        )
    )


def fail_if_asked(state: dict[str, Any], tool: str, argv: list[str]) -> None:
    words = positional(argv)
    for key in (f"{tool} {' '.join(words[:2])}", f"{tool} {words[0] if words else ''}"):
        if key in state["fail"]:
            print(state["fail"][key], file=sys.stderr)
            sys.exit(1)


def kind(state: dict[str, Any], argv: list[str]) -> None:
    words = positional(argv)
    name = option(argv, "--name") or "kind"
    if words[:2] == ["get", "clusters"]:
        if not state["clusters"]:
            print("No kind clusters found.", file=sys.stderr)
        for cluster in state["clusters"]:
            print(cluster)
    elif words[:2] == ["create", "cluster"]:
        print(f'Creating cluster "{name}" ...', file=sys.stderr)
        state["clusters"].append(name)
        write_kubeconfig(option(argv, "--kubeconfig") or "", name)
    elif words[:2] == ["export", "kubeconfig"]:
        write_kubeconfig(option(argv, "--kubeconfig") or "", name)
    elif words[:2] == ["delete", "cluster"]:
        state["clusters"] = [c for c in state["clusters"] if c != name]


def helm(state: dict[str, Any], argv: list[str]) -> None:
    words = positional(argv)
    namespace = option(argv, "--namespace")
    if words[0] == "list":
        wanted = (option(argv, "--filter") or "").strip("^$")
        rows = [
            {
                "name": key.split("/")[1],
                "namespace": namespace,
                **{k: v for k, v in rel.items() if k != "values"},
            }
            for key, rel in state["releases"].items()
            if key == f"{namespace}/{wanted}"
        ]
        print(json.dumps(rows))
    elif words[:2] == ["get", "values"]:
        print(json.dumps(state["releases"][f"{namespace}/{words[2]}"]["values"] or None))
    elif words[0] == "upgrade":
        release, chart = words[1], words[2]
        values: dict[str, Any] = {}
        for i, arg in enumerate(argv):
            if arg == "--values":
                values.update(yaml.safe_load(Path(argv[i + 1]).read_text()) or {})
        state["releases"][f"{namespace}/{release}"] = {
            "chart": f"{chart}-{option(argv, '--version')}",
            "status": "deployed",
            "values": values,
        }
        print(f'Release "{release}" has been upgraded. Happy Helming!')


def kubectl(state: dict[str, Any], argv: list[str]) -> None:
    words = positional(argv)
    objects = state["objects"]
    if words[0] == "apply":
        source = option(argv, "-f") or ""
        if source.startswith("https://"):
            docs = [
                {
                    "kind": "Deployment",
                    "metadata": {"name": "metrics-server", "namespace": "kube-system"},
                    "spec": {
                        "replicas": 1,
                        "template": {
                            "spec": {
                                "containers": [
                                    {"name": "metrics-server", "args": ["--cert-dir=/tmp"]}
                                ]
                            }
                        },
                    },
                }
            ]
        else:
            docs = [d for d in yaml.safe_load_all(Path(source).read_text()) if d]
        for doc in docs:
            meta = doc["metadata"]
            key = f"{doc['kind'].lower()}/{meta.get('namespace', '')}/{meta['name']}"
            verb = "unchanged" if key in objects else "created"
            print(f"{doc['kind'].lower()}/{meta['name']} {verb}")
            objects.setdefault(key, doc)
    elif words[0] == "get" and option(argv, "-f"):
        for doc in yaml.safe_load_all(Path(option(argv, "-f") or "").read_text()):
            if doc:
                meta = doc["metadata"]
                if f"{doc['kind'].lower()}/{meta.get('namespace', '')}/{meta['name']}" in objects:
                    print(f"{doc['kind'].lower()}/{meta['name']}")
    elif words[:2] == ["get", "nodes"]:
        ready = {"conditions": [{"type": "Ready", "status": "True"}]}
        print(json.dumps({"items": [{"status": ready} for _ in range(3)]}))
    elif words[0] == "get":
        key = f"{words[1]}/{option(argv, '--namespace')}/{words[2]}"
        if key not in objects:
            if "--ignore-not-found" in argv:
                return
            notice = f'Error from server (NotFound): {words[1]} "{words[2]}" not found'
            print(notice, file=sys.stderr)
            sys.exit(1)
        if option(argv, "-o") == "name":
            print(f"{words[1]}/{words[2]}")
        else:
            obj = objects[key]
            replicas = obj["spec"].get("replicas", 1)
            print(
                json.dumps(
                    {**obj, "status": {"readyReplicas": replicas, "updatedReplicas": replicas}}
                )
            )
    elif words[:2] == ["patch", "deployment"]:
        obj = objects[f"deployment/{option(argv, '--namespace')}/{words[2]}"]
        for op in json.loads(option(argv, "-p") or "[]"):
            obj["spec"]["template"]["spec"]["containers"][0].setdefault("args", []).append(
                op["value"]
            )
        print(f"deployment.apps/{words[2]} patched")


def main() -> None:
    tool, argv = sys.argv[1], sys.argv[2:]
    with LOG.open("a") as log:
        log.write(json.dumps([tool, *argv]) + "\n")
    state = load()
    fail_if_asked(state, tool, argv)
    {"kind": kind, "helm": helm, "kubectl": kubectl}[tool](state, argv)
    save(state)


if __name__ == "__main__":
    main()
