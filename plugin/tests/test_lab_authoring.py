"""Instructors write labs the pytest way, with no fixed number of steps or labs.

A lab folder of the instructor's own (not the two built-in labs) gets its step and
lab-name markers from its ``lab.yaml`` with no maximum, its expected kube context from
``lab.yaml``, plain ``assert``/``pytest.fail`` graded as failed checkpoints with the
author's message, and a checkpoint id that is not in ``lab.yaml`` stops collection with
one line naming both.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

LAB_YAML = """\
lab: mylab
order: 5
title: {ko: "내 실습", en: "My lab"}
expected: {cluster_name: my-cluster, replicas: 2}
checkpoints:
  - id: my.1.first
    step: 1
    title: {ko: "첫 단계", en: "First"}
    hint: {ko: "첫 힌트", en: "First hint"}
  - id: my.7.seventh
    step: 7
    points: 3
    title: {ko: "일곱째 단계", en: "Seventh"}
    hint: {ko: "일곱째 힌트", en: "Seventh hint"}
  - id: my.7.bare
    step: 7
    title: {ko: "맨 assert", en: "Bare assert"}
    hint: {ko: "힌트", en: "Hint"}
  - id: my.8.fail
    step: 8
    title: {ko: "pytest.fail", en: "pytest.fail"}
    hint: {ko: "힌트", en: "Hint"}
"""

TESTS = """
import pytest


@pytest.mark.checkpoint("my.1.first")
def test_first():
    assert 1 + 1 == 2


@pytest.mark.step7
@pytest.mark.checkpoint("my.7.seventh")
def test_seventh():
    replicas = 1
    assert replicas == 2, "web needs 2 replicas, found 1"


@pytest.mark.checkpoint("my.7.bare")
def test_bare():
    assert [1] == [2]


@pytest.mark.checkpoint("my.8.fail")
def test_fail():
    pytest.fail("the Service has no NodePort")
"""


@pytest.fixture
def my_lab(pytester: pytest.Pytester) -> Path:
    folder = pytester.path / "labs" / "mylab"
    folder.mkdir(parents=True)
    (folder / "lab.yaml").write_text(LAB_YAML, encoding="utf-8")
    (folder / "test_mylab.py").write_text(textwrap.dedent(TESTS), encoding="utf-8")
    return folder


def _grade(pytester: pytest.Pytester, folder: Path, *args: str) -> tuple[pytest.RunResult, dict]:
    grade = pytester.path / "grade.json"
    result = pytester.runpytest_inprocess(
        str(folder), "--strict-markers", "--grade-json", str(grade), "-p", "no:cacheprovider", *args
    )
    data = json.loads(grade.read_text(encoding="utf-8")) if grade.exists() else {}
    return result, data


def test_plain_asserts_are_failed_checkpoints_with_the_authors_message(
    pytester: pytest.Pytester, my_lab: Path
) -> None:
    result, grade = _grade(pytester, my_lab, "--lab-lang", "en")
    by_id = {c["id"]: c for c in grade["checkpoints"]}
    assert {i: c["outcome"] for i, c in by_id.items()} == {
        "my.1.first": "passed",
        "my.7.seventh": "failed",
        "my.7.bare": "failed",
        "my.8.fail": "failed",
    }
    assert by_id["my.7.seventh"]["message"] == "web needs 2 replicas, found 1"
    assert by_id["my.7.bare"]["message"] == "assert [1] == [2]"
    assert by_id["my.8.fail"]["message"] == "the Service has no NodePort"
    text = result.stdout.str()
    assert "grader error" not in text.lower()
    assert "web needs 2 replicas, found 1" in text
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_step_and_lab_markers_come_from_lab_yaml_with_no_maximum(
    pytester: pytest.Pytester, my_lab: Path
) -> None:
    result, grade = _grade(pytester, my_lab, "-m", "step7")
    assert sorted(c["id"] for c in grade["checkpoints"]) == ["my.7.bare", "my.7.seventh"]
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result, grade = _grade(pytester, my_lab, "-m", "mylab and step8")
    assert [c["id"] for c in grade["checkpoints"]] == ["my.8.fail"]
    markers = pytester.runpytest_inprocess(str(my_lab), "--markers").stdout.str()
    assert "@pytest.mark.step8:" in markers and "@pytest.mark.mylab:" in markers


def test_an_id_missing_from_lab_yaml_stops_collection_with_one_line(
    pytester: pytest.Pytester, my_lab: Path
) -> None:
    test_file = my_lab / "test_mylab.py"
    test_file.write_text(
        test_file.read_text(encoding="utf-8").replace('"my.8.fail"', '"my.8.typo"'),
        encoding="utf-8",
    )
    result, _ = _grade(pytester, my_lab)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1, result.stderr.str()
    assert "test_mylab.py::test_fail" in errors[0] and "'my.8.typo'" in errors[0]
    assert str(my_lab / "lab.yaml") in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_the_expected_context_comes_from_the_lab(pytester: pytest.Pytester) -> None:
    import yaml
    from pytest_kubelab.spec import LabSpecError, parse_spec

    raw = yaml.safe_load(LAB_YAML)
    assert parse_spec(raw, Path("lab.yaml")).context == "kind-my-cluster"
    raw["expected"]["context"] = "prod-admin"
    assert parse_spec(raw, Path("lab.yaml")).context == "prod-admin"
    del raw["expected"]["context"], raw["expected"]["cluster_name"]
    assert parse_spec(raw, Path("lab.yaml")).context is None
    raw["expected"]["cluster_name"] = 3
    with pytest.raises(LabSpecError, match=r"expected.cluster_name must be a non-empty string"):
        parse_spec(raw, Path("lab.yaml"))
    raw["expected"]["cluster_name"] = "x"
    raw["order"] = "first"
    with pytest.raises(LabSpecError, match=r"order must be an integer >= 0"):
        parse_spec(raw, Path("lab.yaml"))


def test_pytests_own_sections_are_headed_by_the_checkpoint(
    pytester: pytest.Pytester, my_lab: Path
) -> None:
    result, _ = _grade(pytester, my_lab, "-rA", "--lab-lang", "en")
    headers = [line.strip("_ ") for line in result.stdout.lines if line.startswith("_")]
    assert "my.7.seventh — Seventh" in headers
    assert "my.8.fail — pytest.fail" in headers
    assert not any(header.startswith("test_") for header in headers), headers


def test_selecting_a_step_the_lab_does_not_have_selects_nothing(
    pytester: pytest.Pytester, my_lab: Path
) -> None:
    result = pytester.runpytest_inprocess(str(my_lab), "--strict-markers", "-m", "step5")
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert "Unknown marker" not in result.stdout.str() + result.stderr.str()
    assert "4 deselected" in result.stdout.str()
