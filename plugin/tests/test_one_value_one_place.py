"""One value, one place: what a lab folder repeats from ``lab.yaml`` must agree with it.

``lab.yaml``'s ``expected:`` is where a lab's NodePorts, cluster name, node counts, Helm
releases and namespaces are stated. The kind config, the provisioning recipe, the Helm values,
the manifests and the texts of the folder repeat some of them; these tests name every copy
that disagrees (file, line, value and the ``lab.yaml`` key it should follow), so moving
Grafana from 30080 to 31080 is one edit in ``lab.yaml`` plus what these tests then name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
LAB_FOLDERS = [
    REPO / "tests" / "lab1_observability",
    REPO / "tests" / "lab1_kubecost",
    REPO / "examples" / "webapp_lab",
]
# A number in the NodePort range standing alone (not part of a digest, version or name).
NODEPORT_TEXT = re.compile(r"(?<![\w.])(3[0-2]\d{3})(?![\w.])")
NODEPORT_RANGE = range(30000, 32768)
TEXT_FILES = (".yaml", ".yml", ".py", ".md", ".json")
# The contract states types, never values; a digest-free number there is a bound, not a port.
NOT_SCANNED = ("expected.schema.yaml",)


def _walk(value: Any, path: str = "expected") -> Iterator[tuple[str, str, Any]]:
    """(dotted key, last key, value) for every leaf of ``expected``."""
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _walk(sub, f"{path}.{key}")
            if not isinstance(sub, (dict, list)):
                yield f"{path}.{key}", str(key), sub
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _walk(sub, f"{path}[{index}]")


def _expected(folder: Path) -> dict[str, Any]:
    raw = yaml.safe_load((folder / "lab.yaml").read_text(encoding="utf-8"))
    return dict(raw.get("expected") or {})


def _node_ports(folder: Path) -> dict[int, str]:
    """The lab's NodePorts (keys ending in ``node_port``) and where lab.yaml states each."""
    return {
        int(value): key
        for key, last, value in _walk(_expected(folder))
        if last.endswith("node_port") and isinstance(value, int)
    }


def _values_of(folder: Path, name: str) -> set[str]:
    return {str(v) for _, last, v in _walk(_expected(folder)) if last == name}


def _sharing_a_cluster(folder: Path, labs: list[Path] = LAB_FOLDERS) -> list[Path]:
    """The other labs of ``labs`` built on the same cluster (same ``cluster_name``)."""
    name = _expected(folder).get("cluster_name")
    return [f for f in labs if f != folder and _expected(f).get("cluster_name") == name]


def _having(name: str) -> list[Path]:
    """The lab folders that have file ``name`` (not every lab is provisioned)."""
    return [folder for folder in LAB_FOLDERS if (folder / name).exists()]


def _id(folder: Path) -> str:
    return folder.name


def _nodeport_problems(folder: Path, labs: list[Path]) -> list[str]:
    """Every line of the folder naming a NodePort that lab.yaml does not state.

    ``labs`` are the labs graded together; a kind config shared by those on one cluster maps
    their NodePorts too.
    """
    own = _node_ports(folder)
    neighbours = _sharing_a_cluster(folder, labs)
    shared = {p: k for other in neighbours for p, k in _node_ports(other).items()}
    stated = ", ".join(f"{p} = {k}" for p, k in sorted(own.items()))
    problems = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in TEXT_FILES or path.name in NOT_SCANNED or "__pycache__" in path.parts:
            continue
        # Scenarios are clusters as they are, mistakes and chart-assigned nodePorts included;
        # the self-tests that grade them say when one no longer matches lab.yaml.
        if "scenarios" in path.relative_to(folder).parts:
            continue
        allowed = own | shared if path.name == "kind-config.yaml" else own
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in NODEPORT_TEXT.finditer(line):
                port = int(match.group(1))
                if port in NODEPORT_RANGE and port not in allowed:
                    where = path.relative_to(folder.parent)
                    problems.append(
                        f"{where}:{number}: NodePort {port} is none of lab.yaml's ({stated})"
                    )
    return problems


@pytest.mark.parametrize("folder", LAB_FOLDERS, ids=_id)
def test_every_nodeport_in_the_folder_is_one_lab_yaml_states(folder: Path) -> None:
    problems = _nodeport_problems(folder, LAB_FOLDERS)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", _having("kind-config.yaml"), ids=_id)
def test_kind_config_maps_every_nodeport_and_has_the_lab_cluster(folder: Path) -> None:
    config_path = folder / "kind-config.yaml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    expected = _expected(folder)
    assert config["name"] == expected["cluster_name"], "kind-config.yaml name ≠ cluster_name"
    roles = [node["role"] for node in config["nodes"]]
    assert roles.count("control-plane") == expected["nodes"]["control_plane"]
    assert roles.count("worker") == expected["nodes"]["workers"]
    mapped = {
        (int(m["containerPort"]), int(m["hostPort"]))
        for node in config["nodes"]
        for m in node.get("extraPortMappings") or []
    }
    for port, key in _node_ports(folder).items():
        assert (port, port) in mapped, f"kind-config.yaml does not map {port} ({key}) to the host"


@pytest.mark.parametrize("folder", _having("kind-config.yaml"), ids=_id)
def test_labs_on_one_cluster_build_it_from_the_same_kind_config(folder: Path) -> None:
    mine = yaml.safe_load((folder / "kind-config.yaml").read_text(encoding="utf-8"))
    for other in _sharing_a_cluster(folder):
        theirs = yaml.safe_load((other / "kind-config.yaml").read_text(encoding="utf-8"))
        assert mine == theirs, f"{folder.name} and {other.name} share a cluster but not its config"


@pytest.mark.parametrize("folder", _having("provision.yaml"), ids=_id)
def test_the_recipe_builds_what_lab_yaml_expects(folder: Path) -> None:
    recipe_path = folder / "provision.yaml"
    recipe = yaml.safe_load(recipe_path.read_text(encoding="utf-8"))
    expected = _expected(folder)
    cluster = recipe["cluster"]
    assert cluster["name"] == expected["cluster_name"]
    nodes = expected["nodes"]
    assert cluster["nodes"] == nodes["control_plane"] + nodes["workers"]
    releases, namespaces = _values_of(folder, "release"), _values_of(folder, "namespace")
    helm = [a["helm"] for step in recipe["steps"] for a in step["actions"] if "helm" in a]
    for action in helm:
        assert action["release"] in releases, f"provision.yaml installs {action['release']}"
        assert action["namespace"] in namespaces, f"provision.yaml uses {action['namespace']}"
    assert {a["release"] for a in helm} == releases, "a release lab.yaml expects is not installed"


@pytest.mark.parametrize("folder", LAB_FOLDERS, ids=_id)
def test_manifests_use_the_namespaces_lab_yaml_expects(folder: Path) -> None:
    namespaces = _values_of(folder, "namespace")
    problems = []
    for path in (
        sorted((folder / "manifests").glob("*.yaml")) if (folder / "manifests").is_dir() else []
    ):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if not doc:
                continue
            meta = doc.get("metadata") or {}
            name = meta.get("name") if doc.get("kind") == "Namespace" else meta.get("namespace")
            if name is not None and name not in namespaces:
                problems.append(f"{path.relative_to(REPO)}: {doc['kind']} uses namespace {name}")
    assert not problems, "\n".join(problems)


def test_a_moved_nodeport_is_named_everywhere_it_is_repeated(tmp_path: Path) -> None:
    """Moving Grafana to 31080 in lab.yaml alone: every stale copy is named with its line."""
    import shutil

    folder = tmp_path / "lab1_observability"
    shutil.copytree(REPO / "tests" / "lab1_observability", folder)
    spec = folder / "lab.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("node_port: 30080", "node_port: 31080", 1), encoding="utf-8")
    assert _node_ports(folder)[31080] == "expected.grafana.node_port"
    problems = _nodeport_problems(folder, [folder])
    named = {line.split(":")[0] for line in problems if "NodePort 30080" in line}
    assert "lab1_observability/kind-config.yaml" in named
    assert "lab1_observability/values/kube-prometheus-stack.yaml" in named
    assert "lab1_observability/lab.yaml" in named  # the install command's --set …=30080
