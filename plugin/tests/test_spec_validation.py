"""``lab.yaml`` validation, rule by rule, on the parsed data (no pytest run needed).

Instructors edit ``lab.yaml`` by hand; each mistake must stop the run with a message
that names the file and the exact key or checkpoint. The end-to-end form (a usage
error, no traceback) is in ``test_ordering_and_blocking.py``; here every rule of
:func:`pytest_kubelab.spec.parse_spec` is pinned, and so are the layouts it accepts.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from pytest_kubelab.spec import LabSpecError, load_spec, parse_spec

PATH = Path("labs/mini/lab.yaml")


def _checkpoint(checkpoint_id: str, step: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": checkpoint_id,
        "step": step,
        "title": {"ko": "제목", "en": "Title"},
        "hint": {"ko": "힌트", "en": "Hint"},
        **extra,
    }


def _lab(*checkpoints: dict[str, Any]) -> dict[str, Any]:
    return {
        "lab": "mini",
        "title": {"ko": "미니", "en": "Mini"},
        "checkpoints": list(checkpoints)
        or [
            _checkpoint("m.1.a", 1),
            _checkpoint("m.1.b", 1, needs=["m.1.a"]),
            _checkpoint("m.2.c", 2, needs=["m.1.b"], causes=["m.1.a"]),
        ],
    }


def _rejected(raw: dict[str, Any]) -> str:
    with pytest.raises(LabSpecError) as caught:
        parse_spec(raw, PATH)
    message = str(caught.value)
    assert message.startswith(f"{PATH}:"), message  # always names the file
    return message


def test_the_valid_layout_is_accepted() -> None:
    spec = parse_spec(_lab(), PATH)
    assert [c.id for c in spec.checkpoints] == ["m.1.a", "m.1.b", "m.2.c"]
    assert [c.order for c in spec.checkpoints] == [0, 1, 2]
    assert spec.steps == (1, 2)
    assert spec.max_score == 3  # points default to 1


# --- step order ---------------------------------------------------------------------------


def test_a_step_listed_after_a_later_step_is_rejected() -> None:
    raw = _lab(_checkpoint("m.2.a", 2), _checkpoint("m.1.b", 1))
    assert "checkpoints must be listed in step order" in _rejected(raw)


def test_a_step_going_back_at_the_end_is_rejected() -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.3.b", 3), _checkpoint("m.2.c", 2))
    assert "checkpoints must be listed in step order" in _rejected(raw)


def test_steps_may_repeat_and_skip_numbers() -> None:
    raw = _lab(
        _checkpoint("m.1.a", 1),
        _checkpoint("m.1.b", 1),
        _checkpoint("m.3.c", 3),
        _checkpoint("m.3.d", 3),
    )
    spec = parse_spec(raw, PATH)
    assert spec.steps == (1, 3)


@pytest.mark.parametrize("step", [0, -1, "1", 1.0, True, None])
def test_a_step_must_be_a_positive_integer(step: Any) -> None:
    raw = _lab(_checkpoint("m.1.a", 1))
    raw["checkpoints"][0]["step"] = step
    message = _rejected(raw)
    assert "checkpoints[0].step must be an integer >= 1" in message
    assert repr(step) in message


# --- duplicate ids ------------------------------------------------------------------------


def test_a_duplicate_checkpoint_id_is_rejected() -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.1.a", 1))
    assert "checkpoint id 'm.1.a' is used twice" in _rejected(raw)


def test_a_duplicate_id_in_another_step_is_rejected() -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.2.b", 2), _checkpoint("m.1.a", 3))
    assert "checkpoint id 'm.1.a' is used twice" in _rejected(raw)


def test_ids_differing_only_in_case_are_two_checkpoints() -> None:
    # Ids are compared exactly, as the `checkpoint` markers name them.
    spec = parse_spec(_lab(_checkpoint("m.1.a", 1), _checkpoint("m.1.A", 1)), PATH)
    assert [c.id for c in spec.checkpoints] == ["m.1.a", "m.1.A"]


@pytest.mark.parametrize("field", ["needs", "causes"])
def test_a_need_or_cause_listed_twice_is_rejected(field: str) -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.1.b", 1, **{field: ["m.1.a", "m.1.a"]}))
    assert f"checkpoints[1].{field} names a checkpoint twice" in _rejected(raw)


@pytest.mark.parametrize("checkpoint_id", ["", None, 3, ["m.1.a"]])
def test_an_id_must_be_a_non_empty_string(checkpoint_id: Any) -> None:
    raw = _lab(_checkpoint("m.1.a", 1))
    raw["checkpoints"][0]["id"] = checkpoint_id
    assert "checkpoints[0].id must be a non-empty string" in _rejected(raw)


# --- references ---------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["needs", "causes"])
def test_a_reference_to_a_later_checkpoint_is_rejected(field: str) -> None:
    # Only earlier checkpoints may be named, which also rules out cycles.
    raw = _lab(_checkpoint("m.1.a", 1, **{field: ["m.1.b"]}), _checkpoint("m.1.b", 1))
    message = _rejected(raw)
    assert f"m.1.a.{field} names 'm.1.b', which is not an earlier checkpoint" in message


@pytest.mark.parametrize("field", ["needs", "causes"])
def test_a_checkpoint_may_not_name_itself(field: str) -> None:
    raw = _lab(_checkpoint("m.1.a", 1, **{field: ["m.1.a"]}))
    assert f"m.1.a.{field} names 'm.1.a'" in _rejected(raw)


def test_a_reference_to_an_unknown_id_is_rejected() -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.1.b", 1, needs=["m.1.typo"]))
    assert "m.1.b.needs names 'm.1.typo'" in _rejected(raw)


@pytest.mark.parametrize("value", ["m.1.a", [1], {"m.1.a": True}])
def test_needs_must_be_a_list_of_ids(value: Any) -> None:
    raw = _lab(_checkpoint("m.1.a", 1), _checkpoint("m.1.b", 1, needs=value))
    assert "checkpoints[1].needs must be a list of checkpoint ids" in _rejected(raw)


# --- the rest of a checkpoint and of the lab ----------------------------------------------


@pytest.mark.parametrize("points", [-1, "2", True, 1.5])
def test_points_must_be_a_non_negative_integer(points: Any) -> None:
    raw = _lab(_checkpoint("m.1.a", 1, points=points))
    assert "checkpoints[0].points must be an integer >= 0" in _rejected(raw)


def test_zero_points_are_allowed() -> None:
    assert parse_spec(_lab(_checkpoint("m.1.a", 1, points=0)), PATH).max_score == 0


@pytest.mark.parametrize("field", ["title", "hint"])
@pytest.mark.parametrize("texts", [{"ko": "제목"}, {"ko": "", "en": "x"}, "제목", None])
def test_titles_and_hints_need_every_language(field: str, texts: Any) -> None:
    raw = _lab(_checkpoint("m.1.a", 1))
    raw["checkpoints"][0][field] = texts
    assert re.search(rf"checkpoints\[0\]\.{field} (is missing text|must map)", _rejected(raw))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"lab": ""}, "'lab' must name the lab"),
        ({"checkpoints": []}, "'checkpoints' must be a non-empty list"),
        ({"checkpoints": {"m.1.a": {}}}, "'checkpoints' must be a non-empty list"),
        ({"expected": ["x"]}, "'expected' must be a mapping"),
        ({"title": {"en": "Mini"}}, "title is missing text for: ko"),
    ],
)
def test_lab_level_mistakes_are_rejected(change: dict[str, Any], expected: str) -> None:
    raw = {**_lab(), **change}
    assert expected in _rejected(raw)


def test_a_checkpoint_must_be_a_mapping() -> None:
    raw = _lab()
    raw["checkpoints"].append("m.3.d")
    assert "checkpoints[3] must be a mapping" in _rejected(raw)


def test_validation_does_not_change_the_parsed_data() -> None:
    raw = _lab()
    before = copy.deepcopy(raw)
    parse_spec(raw, PATH)
    assert raw == before


def test_a_spec_is_loaded_once_per_run_until_the_cache_is_cleared(tmp_path: Path) -> None:
    import yaml

    path = tmp_path / "lab.yaml"
    path.write_text(yaml.safe_dump(_lab(), allow_unicode=True), encoding="utf-8")
    assert load_spec(path).max_score == 3
    path.write_text(yaml.safe_dump(_lab(_checkpoint("m.1.a", 1))), encoding="utf-8")
    assert load_spec(path).max_score == 3  # loaded once in this run
    load_spec.cache_clear()
    assert load_spec(path).max_score == 1
