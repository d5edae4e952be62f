"""Verdict details (the right-sizing table) reach the terminal (-rA) and the HTML report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_rightsizing_table_is_attached_everywhere(
    run_lab: Callable[..., Any], lab_copy: Any
) -> None:
    html = lab_copy / "report.html"
    run = run_lab(
        "complete",
        "-m",
        "step6",
        "-rA",
        f"--html={html}",
        "--self-contained-html",
        labs=("lab1_kubecost",),
    )
    assert run.outcomes()["cost.6.rightsizing"] == "passed"
    header = "DEPLOYMENT | 현재 REQUEST cpu/mem | Pod당 평균 사용량 | 제안 request | 제안 limit"
    assert "kubelab: cost.6.rightsizing" in run.text
    assert header in run.text
    assert "production/web-app | 200m/256Mi |" in run.text
    # pytest-html escapes non-ASCII text, so look for the table's ASCII part.
    assert "REQUEST cpu/mem" in html.read_text(encoding="utf-8")
