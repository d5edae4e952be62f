"""Each lab folder's build fixtures match its ``provision.yaml``, and each checkpoint test
requests what ``--lab-provision`` must build before grading it.

Read without running anything: ``conftest.py`` and the tests with :mod:`ast` (as the
spec pages are generated), ``provision.yaml`` and ``lab.yaml`` with the plugin's loaders.
What the fixtures do at run time is tested against the recording fakes in
``test_provision_runner.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from pytest_kubelab.provision.recipe import Recipe, load_recipe
from pytest_kubelab.spec import LabSpec, load_spec
from pytest_kubelab.specdoc import checkpoint_tests_of

REPO = Path(__file__).resolve().parents[2]
LAB_FOLDERS = [
    REPO / "tests" / "lab1_observability",
    REPO / "tests" / "lab1_kubecost",
    REPO / "examples" / "webapp_lab",
]


def _id(folder: Path) -> str:
    return folder.name


def _lab(folder: Path) -> tuple[LabSpec, Recipe]:
    spec = load_spec(folder / "lab.yaml")
    recipe = load_recipe(spec.name, folder)
    assert recipe is not None, f"{folder} has no provision.yaml"
    return spec, recipe


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name == "fixture"


def _build_fixtures(folder: Path) -> dict[str, tuple[str, str]]:
    """conftest.py's fixtures that call ``lab_install(name)``: fixture → (name, docstring)."""
    module = ast.parse((folder / "conftest.py").read_text(encoding="utf-8"))
    found = {}
    for node in module.body:
        if not isinstance(node, ast.FunctionDef) or not any(map(_is_fixture, node.decorator_list)):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == "lab_install"
            ):
                (argument,) = call.args
                assert isinstance(argument, ast.Constant), f"{node.name}: a literal name"
                found[node.name] = (str(argument.value), ast.get_docstring(node) or "")
    return found


@pytest.mark.parametrize("folder", LAB_FOLDERS, ids=_id)
def test_every_installation_has_its_build_fixture_and_no_other(folder: Path) -> None:
    _, recipe = _lab(folder)
    fixtures = _build_fixtures(folder)
    assert sorted(fixtures) == sorted(i.fixture for i in recipe.installations)
    for fixture, (name, docstring) in fixtures.items():
        assert name == fixture, f"{fixture} builds {name}: a fixture builds its own name"
        step = recipe.installations[(recipe.position(name) or 0) - 1].step
        # `pytest --fixtures` shows the docstring: it says which step the fixture builds.
        assert docstring.startswith(f"Step {step}: "), f"{fixture}: {docstring!r}"


@pytest.mark.parametrize("folder", LAB_FOLDERS, ids=_id)
def test_every_checkpoint_requests_what_it_reads_and_nothing_later(folder: Path) -> None:
    spec, recipe = _lab(folder)
    installations = {i.fixture: i for i in recipe.installations}
    tests = checkpoint_tests_of(spec)
    for checkpoint in spec.checkpoints:
        test = tests[checkpoint.id]
        requested = [installations[f] for f in test.fixtures if f in installations]
        where = f"{checkpoint.id} ({test.path.name}::{test.name})"
        assert requested, f"{where} requests no build fixture"
        later = [i.fixture for i in requested if i.step > checkpoint.step]
        assert not later, f"{where} of step {checkpoint.step} requests {later}"


def test_a_checkpoint_requests_only_its_installation() -> None:
    # obs.4.release reads the Jaeger release only; the UI check also reads the NodePort
    # Service of manifests/jaeger-query-nodeport.yaml, a later installation of step 4.
    spec, _ = _lab(LAB_FOLDERS[0])
    tests = checkpoint_tests_of(spec)
    assert tests["obs.4.release"].fixtures == ("jaeger",)
    assert tests["obs.4.jaeger-ui"].fixtures == ("jaeger", "jaeger_query_nodeport")
