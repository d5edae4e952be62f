"""The grade book: each checkpoint's outcome, the score, and the grade JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import render
from .spec import Checkpoint

OUTCOMES = ("passed", "failed", "skipped", "error")


@dataclass
class Result:
    """How one checkpoint ended in this run."""

    checkpoint: Checkpoint
    outcome: str
    message: str = ""
    hint: str = ""
    details: tuple[str, ...] = ()  # e.g. the right-sizing table; shown in the report
    cause: str | None = None  # the failed checkpoint that probably explains this failure
    summary: str = ""  # one line of what failed, quoted by the failures it explains

    @property
    def earned(self) -> int:
        return self.checkpoint.points if self.outcome == "passed" else 0


@dataclass
class GradeBook:
    """Results of the checkpoints that ran, in the order they ran."""

    lang: str
    results: dict[str, Result] = field(default_factory=dict)

    def record(self, result: Result) -> None:
        self.results[result.checkpoint.id] = result

    def outcome_of(self, checkpoint_id: str) -> str | None:
        result = self.results.get(checkpoint_id)
        return result.outcome if result else None

    def root_cause(self, causes: Iterable[str]) -> Result | None:
        """The failure that probably explains a failure with these likely ``causes``.

        That is the first of ``causes`` that failed in this run, followed back to its
        own cause, so that a chain (namespace → Deployment → Service) names its start.
        """
        for checkpoint_id in causes:
            result = self.results.get(checkpoint_id)
            if result is None or result.outcome != "failed":
                continue
            seen = {checkpoint_id}
            while result.cause is not None and result.cause not in seen:
                earlier = self.results.get(result.cause)
                if earlier is None or earlier.outcome != "failed":
                    break
                seen.add(result.cause)
                result = earlier
            return result
        return None

    @property
    def score(self) -> int:
        return sum(r.earned for r in self.results.values())

    @property
    def max_score(self) -> int:
        return sum(r.checkpoint.points for r in self.results.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "max_score": self.max_score,
            "checkpoints": [
                {
                    "id": r.checkpoint.id,
                    "lab": r.checkpoint.lab,
                    "step": r.checkpoint.step,
                    "title": r.checkpoint.title_in(self.lang),
                    "outcome": r.outcome,
                    "points": r.checkpoint.points,
                    "earned": r.earned,
                    "message": r.message,
                    "hint": r.hint,
                    "cause": r.cause,
                }
                for r in self.results.values()
            ],
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")

    def summary_lines(self) -> list[str]:
        """Per-lab and per-step lines: checkpoints passed and points earned."""
        lines: list[str] = []
        for lab in dict.fromkeys(r.checkpoint.lab for r in self.results.values()):
            in_lab = [r for r in self.results.values() if r.checkpoint.lab == lab]
            lines.append(render("summary.lab_line", self.lang, lab=lab, **_tally(in_lab)))
            for step in sorted({r.checkpoint.step for r in in_lab}):
                in_step = [r for r in in_lab if r.checkpoint.step == step]
                lines.append(render("summary.step_line", self.lang, step=step, **_tally(in_step)))
        lines.append(render("summary.total", self.lang, earned=self.score, max=self.max_score))
        return lines


def _tally(results: Iterable[Result]) -> dict[str, int]:
    items = list(results)
    return {
        "passed": sum(1 for r in items if r.outcome == "passed"),
        "total": len(items),
        "earned": sum(r.earned for r in items),
        "max": sum(r.checkpoint.points for r in items),
    }
