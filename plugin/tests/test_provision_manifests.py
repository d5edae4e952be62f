"""The provisioning data is valid before any cluster sees it.

Every manifest kept in the repo validates against the Kubernetes OpenAPI schemas of the
pinned node version (kubernetes-validate, offline, strict: unknown fields fail); the kind
configs validate against a JSON Schema of kind's v1alpha4 Cluster; and the recipes pin
every chart and image the way docs/lab-errata.md says they must.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from pytest_kubelab.provision.helm import HelmRelease
from pytest_kubelab.provision.recipe import Apply, RecipeError, load_recipe

REPO = Path(__file__).resolve().parents[2]
LABS = {
    "observability": REPO / "tests" / "lab1_observability",
    "kubecost": REPO / "tests" / "lab1_kubecost",
}
KIND_SCHEMA = Path(__file__).with_name("data") / "kind-cluster-v1alpha4.schema.json"
K8S_VERSION = "1.31.2"  # the pinned kindest/node image
NODE_IMAGE = (
    "kindest/node:v1.31.2@sha256:18fbefc20a7113353c7b75b5c869d7145a6abd6269154825872dc59c1329912e"
)
MANIFESTS = sorted((REPO / "tests").glob("lab1_*/manifests/*.yaml"))


def _docs(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def test_manifests_exist() -> None:
    assert {p.name for p in MANIFESTS} >= {
        "demo.yaml",
        "jaeger-query-nodeport.yaml",
        "namespaces.yaml",
        "deployments.yaml",
        "hpa.yaml",
    }


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_manifest_validates_against_kubernetes_schema(path: Path) -> None:
    docs = _docs(path)
    assert docs
    for doc in docs:
        assert kubernetes_validate.validate(doc, K8S_VERSION, strict=True) == "1.31"


def test_invalid_manifest_is_rejected() -> None:
    bad = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"type": "NodePort", "ports": [{"port": "eighty"}]},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(bad, K8S_VERSION, strict=True)


@pytest.mark.parametrize("lab", sorted(LABS))
def test_kind_config_matches_schema_and_lab(lab: str) -> None:
    config = yaml.safe_load((LABS[lab] / "kind-config.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(config, json.loads(KIND_SCHEMA.read_text(encoding="utf-8")))
    assert config["name"] == "lab-cluster"
    assert [n["role"] for n in config["nodes"]] == ["control-plane", "worker", "worker"]
    assert {n["image"] for n in config["nodes"]} == {NODE_IMAGE}
    mappings = config["nodes"][0]["extraPortMappings"]
    assert [(m["containerPort"], m["hostPort"]) for m in mappings] == [
        (30080, 30080),
        (30081, 30081),
        (30082, 30082),
    ]


def test_both_labs_share_one_cluster_definition() -> None:
    texts = {lab: (folder / "kind-config.yaml").read_text() for lab, folder in LABS.items()}
    assert texts["observability"] == texts["kubecost"]


@pytest.mark.parametrize(
    "broken",
    [
        {"nodes": [{"role": "master"}]},
        {
            "nodes": [
                {
                    "role": "worker",
                    "extraPortMappings": [{"containerPort": 30080, "protocol": "HTTP"}],
                }
            ]
        },
        {"nodes": [{"role": "worker", "extraPortMapping": []}]},
        {"apiVersion": "kind.x-k8s.io/v1alpha3"},
    ],
)
def test_kind_schema_rejects_mistakes(broken: dict[str, Any]) -> None:
    config = {
        "kind": "Cluster",
        "apiVersion": "kind.x-k8s.io/v1alpha4",
        "nodes": [{"role": "control-plane"}],
        **broken,
    }
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(config, json.loads(KIND_SCHEMA.read_text(encoding="utf-8")))


def _helm(lab: str) -> dict[str, HelmRelease]:
    recipe = load_recipe(lab, LABS[lab])
    assert recipe is not None
    return {a.release: a for s in recipe.steps for a in s.actions if isinstance(a, HelmRelease)}


def test_observability_recipe_pins_charts_and_fixes_lab_values() -> None:
    releases = _helm("observability")
    assert {name: r.version for name, r in releases.items()} == {
        "prometheus": "88.5.3",
        "loki": "2.10.3",
        "jaeger": "4.11.1",
    }
    values = {name: yaml.safe_load(r.values[0].read_text()) or {} for name, r in releases.items()}
    assert values["prometheus"]["grafana"]["adminPassword"] == "admin123"
    assert values["prometheus"]["grafana"]["service"] == {"type": "NodePort", "nodePort": 30080}
    assert values["loki"]["loki"] == {"isDefault": False, "persistence": {"enabled": True}}
    assert values["loki"]["grafana"] == {"enabled": False}
    nodeport = _docs(LABS["observability"] / "manifests" / "jaeger-query-nodeport.yaml")[0]
    assert nodeport["spec"]["ports"][0]["nodePort"] == 30081
    assert nodeport["spec"]["ports"][0]["targetPort"] == 16686
    assert nodeport["spec"]["selector"]["app.kubernetes.io/component"] == "all-in-one"


def test_cost_recipe_pins_kubecost_and_metrics_server() -> None:
    releases = _helm("kubecost")
    assert releases["kubecost"].version.startswith("2.8.")
    assert releases["kubecost"].chart == "cost-analyzer"
    values = yaml.safe_load(releases["kubecost"].values[0].read_text())
    assert values["prometheus"]["server"]["global"]["external_labels"] == {
        "cluster_id": "lab-cluster"
    }
    recipe = load_recipe("kubecost", LABS["kubecost"])
    assert recipe is not None
    urls = [
        a.source for s in recipe.steps for a in s.actions if isinstance(a, Apply) and not a.is_file
    ]
    assert urls == [
        "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.8.1/components.yaml"
    ]
    assert "latest" not in urls[0]


def test_recipe_errors_name_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "kind-config.yaml").write_text("kind: Cluster\n")
    (tmp_path / "provision.yaml").write_text(
        "cluster: {fixture: lab_cluster, name: lab-cluster, config: kind-config.yaml}\n"
        "steps:\n  - step: 2\n    actions:\n      - helm: {release: x}\n"
    )
    with pytest.raises(RecipeError, match=r"steps\[0\]\.actions\[0\]\.helm: 'namespace'"):
        load_recipe("x", tmp_path)
    (tmp_path / "provision.yaml").write_text(
        "cluster: {fixture: lab_cluster, name: lab-cluster, config: kind-config.yaml}\n"
        "steps:\n  - step: 2\n    actions:\n      - apply: {url: 'http://x/y.yaml'}\n"
    )
    with pytest.raises(RecipeError, match="url must be https"):
        load_recipe("x", tmp_path)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (
            "      - apply: {file: kind-config.yaml}\n",
            r"steps\[0\]\.actions\[0\]\.apply: 'fixture' must name the installation's build "
            r"fixture: a Python identifier",
        ),
        (
            "      - apply: {fixture: web-app, file: kind-config.yaml}\n",
            r"\.apply: 'fixture' must .*; got 'web-app'",
        ),
        ("      - apply: {fixture: lab, file: kind-config.yaml}\n", r"not one of the plugin's"),
        (
            "      - apply: {fixture: lab_cluster, file: kind-config.yaml}\n",
            r"fixture 'lab_cluster' already names the installation at .*: cluster",
        ),
        (
            "      - ready: {namespace: a, deployment: b}\n",
            r"actions\[0\]\.ready: a step's first action must be a named helm or apply action",
        ),
        (
            "      - apply: {fixture: web, file: kind-config.yaml}\n"
            "      - ready: {fixture: web_ready, namespace: a, deployment: b}\n",
            r"actions\[1\]\.ready: takes no 'fixture'",
        ),
    ],
    ids=["missing", "not-an-identifier", "reserved", "twice", "unnamed-first", "named-ready"],
)
def test_installation_names_are_checked(tmp_path: Path, actions: str, message: str) -> None:
    (tmp_path / "kind-config.yaml").write_text("kind: Cluster\n")
    (tmp_path / "provision.yaml").write_text(
        "cluster: {fixture: lab_cluster, name: lab-cluster, config: kind-config.yaml}\n"
        "steps:\n  - step: 2\n    actions:\n" + actions
    )
    with pytest.raises(RecipeError, match=message) as raised:
        load_recipe("x", tmp_path)
    assert str(tmp_path / "provision.yaml") in str(raised.value)


def test_installations_group_the_unnamed_actions_after_them() -> None:
    recipe = load_recipe("kubecost", LABS["kubecost"])
    assert recipe is not None
    grouped = [(i.fixture, i.step, len(i.actions)) for i in recipe.installations]
    assert grouped == [
        ("lab_cluster", 1, 0),
        ("metrics_server", 2, 3),  # the manifest, --kubelet-insecure-tls, ready
        ("kubecost_install", 3, 1),
        ("lab_namespaces", 4, 1),
        ("sample_apps", 4, 4),  # the Deployments and three rollouts
        ("hpas", 5, 1),
    ]
    assert recipe.end_of_step(6) == recipe.end_of_step(5) == 6
    assert recipe.position("sample_apps") == 5 and recipe.position("nope") is None
