"""Checkpoints run in lab order, `-m stepN` selects by step, and failed needs block dependents."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

MINI_LAB = textwrap.dedent(
    """
    lab: observability
    title: {ko: 미니 실습, en: Mini lab}
    expected: {answer: 42}
    checkpoints:
      - {id: m.1.a, step: 1, points: 1, title: {ko: 가, en: A}, hint: {ko: 힌트가, en: hint A}}
      - {id: m.1.b, step: 1, points: 2, needs: [m.1.a],
         title: {ko: 나, en: B}, hint: {ko: 힌트나, en: hint B}}
      - {id: m.2.c, step: 2, points: 3, needs: [m.1.b],
         title: {ko: 다, en: C}, hint: {ko: 힌트다, en: hint C}}
      - {id: m.2.d, step: 2, points: 1, needs: [m.1.a],
         title: {ko: 라, en: D}, hint: {ko: 힌트라, en: hint D}}
    """
)

# Test files deliberately list the checkpoints in reverse lab order.
MINI_TESTS = textwrap.dedent(
    """
    import pytest
    from pytest_kubelab.verdict import failed, passed

    ORDER = []

    def outcome(name, ok):
        ORDER.append(name)
        return lambda lab: passed("nodes.none") if ok else failed("nodes.none")

    @pytest.mark.checkpoint("m.2.d")
    def test_d(lab):
        lab.require(outcome("d", True))

    @pytest.mark.checkpoint("m.2.c")
    def test_c(lab):
        lab.require(outcome("c", True))

    @pytest.mark.checkpoint("m.1.b")
    def test_b(lab):
        lab.require(outcome("b", {b_ok}))

    @pytest.mark.checkpoint("m.1.a")
    def test_a(lab):
        assert lab.expected["answer"] == 42
        lab.require(outcome("a", True))
    """
)


@pytest.fixture
def mini_lab(pytester: pytest.Pytester) -> pytest.Pytester:
    lab_dir = pytester.mkdir("minilab")
    (lab_dir / "lab.yaml").write_text(MINI_LAB, encoding="utf-8")
    # The built-in labs' fresh cluster, as the lab's own scenario: only an API server is needed.
    shutil.copytree(REPO / "tests" / "scenarios" / "base", lab_dir / "scenarios" / "base")
    shutil.copy(REPO / "tests" / "scenarios" / "fresh.yaml", lab_dir / "scenarios")
    return pytester


def _write_tests(pytester: pytest.Pytester, b_ok: bool) -> None:
    code = MINI_TESTS.replace("{b_ok}", str(b_ok))
    (pytester.path / "minilab" / "test_mini.py").write_text(code, encoding="utf-8")


def _grade(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, object]]:
    out = pytester.path / "grade.json"
    result = pytester.runpytest_inprocess(
        "minilab", "--lab-sim", "fresh", "--grade-json", str(out), "-v", "--strict-markers", *args
    )
    return result, json.loads(out.read_text(encoding="utf-8"))


def test_lab_order_wins_over_file_order(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=True)
    result, grade = _grade(mini_lab)
    result.assert_outcomes(passed=4)
    ids = [c["id"] for c in grade["checkpoints"]]  # type: ignore[index]
    assert ids == ["m.1.a", "m.1.b", "m.2.c", "m.2.d"]
    assert grade["score"] == 7 and grade["max_score"] == 7


def test_failed_need_blocks_dependents_only(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=False)
    result, grade = _grade(mini_lab)
    result.assert_outcomes(passed=2, failed=1, skipped=1)
    outcomes = {c["id"]: c["outcome"] for c in grade["checkpoints"]}  # type: ignore[index]
    assert outcomes == {"m.1.a": "passed", "m.1.b": "failed", "m.2.c": "skipped", "m.2.d": "passed"}
    blocked = next(c for c in grade["checkpoints"] if c["id"] == "m.2.c")  # type: ignore[index]
    assert "선행 체크포인트 m.1.b(나)를 아직 통과하지 못해 건너뜀" in blocked["message"]
    # The blocked checkpoint does not fail with a second copy of the first error.
    assert "FAILED minilab/test_mini.py::test_c" not in result.stdout.str()


def test_step_marker_selects_one_step(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=False)
    result, grade = _grade(mini_lab, "-m", "step2")
    # The step-1 needs did not run in this session, so they do not block.
    result.assert_outcomes(passed=2)
    assert [c["id"] for c in grade["checkpoints"]] == ["m.2.c", "m.2.d"]  # type: ignore[index]


def test_lab_marker_is_added(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=True)
    result, _ = _grade(mini_lab, "-m", "observability and step1")
    result.assert_outcomes(passed=2)


def test_unknown_checkpoint_id_is_a_clear_error(mini_lab: pytest.Pytester) -> None:
    (mini_lab.path / "minilab" / "test_bad.py").write_text(
        "import pytest\n\n@pytest.mark.checkpoint('m.9.zzz')\ndef test_x(lab):\n    pass\n",
        encoding="utf-8",
    )
    result = mini_lab.runpytest_inprocess("minilab", "--lab-sim", "fresh")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "checkpoint('m.9.zzz') is not a checkpoint of" in result.stderr.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_broken_lab_yaml_is_a_usage_error_not_a_crash(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=True)
    spec = mini_lab.path / "minilab" / "lab.yaml"
    spec.write_text(MINI_LAB.replace("needs: [m.1.a],", "needs: [m.9.nope],"), encoding="utf-8")
    result = mini_lab.runpytest_inprocess("minilab", "--lab-sim", "fresh")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "m.1.b.needs names 'm.9.nope'" in result.stderr.str()
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


def test_a_grader_fault_is_an_error_not_a_student_failure(mini_lab: pytest.Pytester) -> None:
    _write_tests(mini_lab, b_ok=True)
    code = (mini_lab.path / "minilab" / "test_mini.py").read_text(encoding="utf-8")
    code = code.replace(
        'lab.require(outcome("b", True))', 'lab.require(lambda lab: {}["missing key"])'
    )
    (mini_lab.path / "minilab" / "test_mini.py").write_text(code, encoding="utf-8")
    result, grade = _grade(mini_lab)
    outcomes = {c["id"]: c["outcome"] for c in grade["checkpoints"]}  # type: ignore[index]
    assert outcomes["m.1.b"] == "error"
    entry = next(c for c in grade["checkpoints"] if c["id"] == "m.1.b")  # type: ignore[index]
    assert "채점기 내부 오류" in entry["message"] and "KeyError" in entry["message"]
    assert outcomes["m.2.c"] == "skipped"  # its dependents are blocked, not failed


def _spec_error(mini_lab: pytest.Pytester, old: str, new: str) -> str:
    _write_tests(mini_lab, b_ok=True)
    spec = mini_lab.path / "minilab" / "lab.yaml"
    text = MINI_LAB.replace(old, new)
    assert text != MINI_LAB
    spec.write_text(text, encoding="utf-8")
    result = mini_lab.runpytest_inprocess("minilab", "--lab-sim", "fresh")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    return result.stderr.str()


def test_causes_must_name_earlier_checkpoints(mini_lab: pytest.Pytester) -> None:
    error = _spec_error(mini_lab, "needs: [m.1.a],\n", "needs: [m.1.a], causes: [m.2.d],\n")
    assert "m.1.b.causes names 'm.2.d', which is not an earlier checkpoint" in error


def test_a_checkpoint_is_not_both_needed_and_a_cause(mini_lab: pytest.Pytester) -> None:
    error = _spec_error(mini_lab, "needs: [m.1.b],", "needs: [m.1.b], causes: [m.1.b],")
    assert "m.2.c lists m.1.b under both needs and causes" in error


def test_duplicate_ids_and_step_order_are_rejected(mini_lab: pytest.Pytester) -> None:
    assert "checkpoint id 'm.1.a' is used twice" in _spec_error(
        mini_lab, "id: m.1.b, step: 1", "id: m.1.a, step: 1"
    )
    assert "checkpoints must be listed in step order" in _spec_error(
        mini_lab, "id: m.2.d, step: 2", "id: m.2.d, step: 1"
    )


def test_a_cause_blocks_nothing_and_is_named_when_both_fail(mini_lab: pytest.Pytester) -> None:
    # m.2.d lists the failing m.1.b as a likely cause instead of needing it: it is judged.
    code = MINI_TESTS.replace("{b_ok}", "False").replace(
        'lab.require(outcome("d", True))', 'lab.require(outcome("d", DOK))'
    )
    spec = MINI_LAB.replace(
        "- {id: m.2.d, step: 2, points: 1, needs: [m.1.a],",
        "- {id: m.2.d, step: 2, points: 1, needs: [m.1.a], causes: [m.1.b],",
    )
    assert spec != MINI_LAB
    (mini_lab.path / "minilab" / "lab.yaml").write_text(spec, encoding="utf-8")
    for d_ok, outcome in ((True, "passed"), (False, "failed")):
        test_file = mini_lab.path / "minilab" / "test_mini.py"
        test_file.write_text(code.replace("DOK", str(d_ok)), encoding="utf-8")
        _, grade = _grade(mini_lab, "--lab-lang", "en")
        entry = next(c for c in grade["checkpoints"] if c["id"] == "m.2.d")  # type: ignore[index]
        assert entry["outcome"] == outcome
        if outcome == "failed":
            assert entry["cause"] == "m.1.b"
            assert "This is probably because m.1.b failed: " in entry["message"]
        else:
            assert entry["cause"] is None
