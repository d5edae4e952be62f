"""The typed contract of ``expected:`` (``expected.schema.yaml``), checked when a lab loads.

Every value any check reads from a built-in lab's ``expected:`` is covered: giving any leaf
a wrong type stops the load with the file and the exact key; so do a missing key and an
unknown one. A broken lab.yaml ends the run with a usage error of one line per problem.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pytest_kubelab import contract
from pytest_kubelab.spec import LabSpecError, load_spec

REPO = Path(__file__).resolve().parents[2]
LAB_FOLDERS = [
    REPO / "tests" / "lab1_observability",
    REPO / "tests" / "lab1_kubecost",
    REPO / "examples" / "webapp_lab",
]


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _leaves(sub, (*path, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            yield from _leaves(sub, (*path, index))
    else:
        yield path, value


def _wrong(value: Any) -> Any:
    """A value of another type than ``value``."""
    if isinstance(value, (bool, int, float)):
        return "three"
    return 3


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _expected(folder: Path) -> dict[str, Any]:
    raw = yaml.safe_load((folder / "lab.yaml").read_text(encoding="utf-8"))
    return dict(raw["expected"])


@pytest.mark.parametrize("folder", LAB_FOLDERS, ids=lambda f: f.name)
def test_every_expected_value_has_a_type_in_the_contract(folder: Path) -> None:
    expected = _expected(folder)
    schema = contract.schema_for(folder / "lab.yaml")
    assert schema is not None, f"{folder} has no {contract.SCHEMA_FILENAME}"
    contract.check_expected(expected, schema, "lab.yaml")  # the lab as committed holds
    leaves = list(_leaves(expected))
    assert len(leaves) > 5
    for path, value in leaves:
        broken = copy.deepcopy(expected)
        _set(broken, path, _wrong(value))
        with pytest.raises(contract.ContractError) as caught:
            contract.check_expected(broken, schema, "lab.yaml")
        assert f"lab.yaml: {contract.dotted(list(path))} must be" in str(caught.value), path


def test_missing_and_unknown_keys_are_named_with_what_is_accepted() -> None:
    folder = REPO / "tests" / "lab1_observability"
    schema = contract.schema_for(folder / "lab.yaml")
    assert schema is not None
    expected = _expected(folder)
    del expected["demo"]["replicas"]
    expected["demo"]["replica"] = 3
    with pytest.raises(contract.ContractError) as caught:
        contract.check_expected(expected, schema, "lab.yaml")
    lines = str(caught.value).splitlines()
    assert "lab.yaml: expected.demo.replicas is missing (required)" in lines
    unknown = next(line for line in lines if "expected.demo.replica " in line)
    assert "is not a known key (accepted: " in unknown and "replicas" in unknown


def test_a_nodeport_outside_the_range_is_refused() -> None:
    folder = REPO / "examples" / "webapp_lab"
    schema = contract.schema_for(folder / "lab.yaml")
    assert schema is not None
    expected = _expected(folder)
    expected["app"]["node_port"] = 8080
    with pytest.raises(contract.ContractError, match=r"expected.app.node_port must be >= 30000"):
        contract.check_expected(expected, schema, "lab.yaml")


def test_a_broken_lab_yaml_stops_the_run_with_one_line(pytester: pytest.Pytester) -> None:
    import shutil

    folder = pytester.path / "webapp_lab"
    shutil.copytree(REPO / "examples" / "webapp_lab", folder)
    spec = folder / "lab.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("replicas: 2", "replicas: two"), encoding="utf-8"
    )
    result = pytester.runpytest_inprocess("webapp_lab", "--lab-sim", "webapp-complete")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "expected.app.replicas must be an integer, got 'two'" in result.stderr.str()
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    load_spec.cache_clear()
    with pytest.raises(LabSpecError, match="expected.app.replicas must be an integer"):
        load_spec(spec)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(min_size=1, max_size=4), children, max_size=3)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(min_size=1, max_size=6), json_values, max_size=4))
def test_an_inferred_schema_accepts_the_values_it_was_inferred_from(value: dict[str, Any]) -> None:
    contract.check_expected(value, contract.infer_schema(value), "lab.yaml")


def test_the_schema_command_reads_a_lab_yaml_or_its_folder(
    capsys: pytest.CaptureFixture[str],
) -> None:
    example = REPO / "examples" / "webapp_lab"
    for target in (example, example / "lab.yaml"):
        assert contract.main([str(target)]) == 0
        assert "properties:" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["no-such-lab.yaml"], "cannot read no-such-lab.yaml: No such file or directory"),
        ([], "the following arguments are required: lab_yaml"),
        (["lab.yaml", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_the_schema_command_explains_a_bad_argument(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        contract.main(args)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
