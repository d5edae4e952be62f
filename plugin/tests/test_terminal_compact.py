"""The terminal a student reads: short, each failure said once, consequences folded.

Budgets with default options (issue 14): ``fresh`` ≤ 70 lines, an unreachable API
≤ 35 lines, ``complete`` ≤ 30 lines. ``-v`` and ``-rA`` still bring pytest's own
sections back for whoever wants every detail.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import LabRun

Runner = Callable[..., LabRun]


@pytest.mark.parametrize(
    ("scenario", "budget"), [("fresh", 70), ("api-unreachable", 35), ("complete", 30)]
)
def test_line_budget_with_default_options(run_lab: Runner, scenario: str, budget: int) -> None:
    run = run_lab(scenario)
    lines = run.result.stdout.lines
    assert len(lines) <= budget, "\n".join(lines)
    assert "합계:" in run.text


def test_each_failure_is_said_once_with_its_id_and_title(run_lab: Runner) -> None:
    run = run_lab("obs-demo-imagepull", labs=("lab1_observability",))
    text = run.result.stdout.str()
    message = run.checkpoint("obs.5.web-app")["message"]
    assert text.count(message) == 1, text
    title = run.checkpoint("obs.5.web-app")["title"]
    assert f"✗ obs.5.web-app — {title}" in text
    # The two failures that follow from it are one line under its block, not two more blocks.
    assert (
        "이 실패 때문일 가능성이 큰 다른 실패 2개: obs.5.web-service, obs.5.web-reachable" in text
    )
    assert "✗ obs.5.web-service" not in text
    assert "FAILURES" not in text and "short test summary" not in text


def test_blocked_checkpoints_fold_into_one_line_per_cause(run_lab: Runner) -> None:
    run = run_lab("api-unreachable", "--lab-lang", "en", labs=("lab1_observability",))
    text = run.result.stdout.str()
    assert "Checkpoints that could not be judged because of it (21): obs.1.nodes, " in text
    assert text.count("blocked by") == 0, text


def test_verbose_runs_keep_pytest_detail(run_lab: Runner) -> None:
    run = run_lab("obs-demo-imagepull", "-rA", labs=("lab1_observability",))
    text = run.result.stdout.str()
    assert "FAILURES" in text and "short test summary" in text
