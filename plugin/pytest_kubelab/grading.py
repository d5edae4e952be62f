"""The grade book: each checkpoint's outcome, the score, and the grade JSON.

One way through the report: a checkpoint test leaves one :class:`Outcome` (made in
the grading makereport hook, :func:`pytest_kubelab.labrun.record`, or received from an
xdist worker); :meth:`GradeBook.record_outcome` turns it into a :class:`Result`, and
the terminal summary, grade JSON, JUnit properties and HTML report read only Results
from this book (``config.stash[GRADEBOOK_KEY]``), never an item's stash or fixtures.

The grade JSON has ``score``, ``max_score`` and ``checkpoints`` (one entry per
checkpoint that ran, in lab order), plus ``meta``, which says what was graded
and by what::

    "meta": {"student": "alice", "labs": [{"name": "webapp",
              "lab_yaml": "examples/webapp_lab/lab.yaml", "sha256": "…"}],
             "context": "kind-webapp-lab", "server": "https://127.0.0.1:6443",
             "grader": "pytest-kubelab", "grader_version": "0.1.0",
             "started_at": "2026-12-01T23:00:00Z", "duration_s": 3.21}

``student`` is ``null`` unless ``--lab-student`` (or the class command) names one;
``context`` and ``server`` are ``null`` when the kubeconfig does not name them.
Only ``started_at`` and ``duration_s`` differ between two runs on the same cluster.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import __version__
from .catalog import render
from .spec import Checkpoint, LabSpec, load_spec

OUTCOMES = ("passed", "failed", "skipped", "error")
# A diagnostics section as plain data: (title, text); it travels from xdist workers as is.
DiagnosticSection = tuple[str, str]


@dataclass(frozen=True)
class Outcome:
    """What one checkpoint test concluded, made once from the report that decided it."""

    nodeid: str
    checkpoint: Checkpoint
    lab_yaml: Path  # the lab.yaml the checkpoint comes from (for ``meta.labs``)
    outcome: str  # one of OUTCOMES
    message: str = ""  # in the run's language, secrets masked
    details: tuple[str, ...] = ()
    cause: str | None = None  # failed: the earlier failure that probably explains it
    blocked_by: str | None = None  # skipped: the need that did not pass
    summary: str = ""
    diagnostics: tuple[DiagnosticSection, ...] = ()  # gathered where the cluster reader is
    verdict: str | None = None  # catalog key of the check's last verdict, if it had one
    timed_out: bool = False  # the check was still waiting for something when time ran out
    duration: float = 0.0  # seconds of the test phase that decided it
    description: str = ""  # its test's docstring, in the run's language (see description.py)


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
    diagnostics: tuple[DiagnosticSection, ...] = ()  # what the cluster showed (failures)
    description: str = ""  # what the checkpoint asserts, in the run's language

    @property
    def earned(self) -> int:
        return self.checkpoint.points if self.outcome == "passed" else 0


@dataclass
class GradeBook:
    """Results of the checkpoints that ran, in the order they ran."""

    lang: str
    results: dict[str, Result] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # nodeid -> its last outcome
    planned: dict[str, Checkpoint] = field(default_factory=dict)  # nodeid -> its checkpoint
    # Checkpoint id -> its description, known at collection: a checkpoint that is never
    # judged (an interrupted run) is still described in the grade file.
    descriptions: dict[str, str] = field(default_factory=dict)
    specs: dict[str, LabSpec] = field(default_factory=dict)  # lab name -> spec, as results come
    # What the ``meta`` block of the grade JSON says (see the module docstring).
    student: str | None = None
    context: str | None = None
    server: str | None = None
    started: float = field(default_factory=time.time)
    lab_files: dict[str, Path] = field(default_factory=dict)  # lab name -> its lab.yaml
    root: Path | None = None  # lab.yaml paths are written relative to it when inside

    def record(self, result: Result) -> None:
        self.results[result.checkpoint.id] = result

    def record_outcome(self, outcome: Outcome) -> Result:
        """Take a checkpoint test's outcome and grade it: its result from now on."""
        checkpoint = outcome.checkpoint
        result = Result(
            checkpoint,
            outcome.outcome,
            outcome.message,
            checkpoint.hint_in(self.lang),
            outcome.details,
            outcome.cause or outcome.blocked_by,
            outcome.summary,
            outcome.diagnostics,
            outcome.description,
        )
        self.outcomes[outcome.nodeid] = outcome
        self.add_lab(checkpoint.lab, outcome.lab_yaml)
        self.specs.setdefault(checkpoint.lab, load_spec(outcome.lab_yaml))
        self.record(result)
        return result

    def result_for(self, nodeid: str) -> Result | None:
        """The result the test ``nodeid`` decided (``None`` for a test that is no checkpoint)."""
        outcome = self.outcomes.get(nodeid)
        return self.results.get(outcome.checkpoint.id) if outcome is not None else None

    def plan(self, nodeid: str, checkpoint: Checkpoint, description: str = "") -> None:
        """Note that the collected test ``nodeid`` grades ``checkpoint``, which it describes
        as ``description`` (in the run's language)."""
        self.planned[nodeid] = checkpoint
        self.descriptions[checkpoint.id] = description

    def selected(self, nodeids: Iterable[str]) -> list[Checkpoint]:
        """The checkpoints of these tests (the final selection), in their order."""
        return [self.planned[n] for n in nodeids if n in self.planned]

    def fresh(self) -> GradeBook:
        """An empty book for grading again (``--lab-watch`` rounds): same run, no results."""
        return replace(self, results={}, outcomes={}, lab_files=dict(self.lab_files))

    def add_lab(self, name: str, lab_yaml: Path) -> None:
        """Note the ``lab.yaml`` a lab's checkpoints come from (for ``meta.labs``)."""
        self.lab_files.setdefault(name, lab_yaml)

    def reorder(self, checkpoint_ids: Iterable[str]) -> None:
        """Put the results in this order (ids not listed keep their place after them)."""
        wanted = [cid for cid in checkpoint_ids if cid in self.results]
        rest = [cid for cid in self.results if cid not in set(wanted)]
        self.results = {cid: self.results[cid] for cid in [*wanted, *rest]}

    def meta(self) -> dict[str, Any]:
        """The ``meta`` block: who and what was graded, by which grader, when, how long."""
        labs = []
        for name in dict.fromkeys(r.checkpoint.lab for r in self.results.values()):
            path = self.lab_files.get(name)
            labs.append(
                {
                    "name": name,
                    "lab_yaml": self._shown_path(path) if path else None,
                    "sha256": _sha256(path) if path else None,
                }
            )
        return {
            "student": self.student,
            "labs": labs,
            "context": self.context,
            "server": self.server,
            "grader": "pytest-kubelab",
            "grader_version": __version__,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "duration_s": round(time.time() - self.started, 2),
        }

    def _shown_path(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def outcome_of(self, checkpoint_id: str) -> str | None:
        result = self.results.get(checkpoint_id)
        return result.outcome if result else None

    def unmet_need(self, checkpoint: Checkpoint) -> str | None:
        """The first of ``checkpoint``'s needs that ran in this session and did not pass.

        A need that did not run (deselected) does not block: the checkpoint then
        reports the real state itself.
        """
        for need in checkpoint.needs:
            outcome = self.outcome_of(need)
            if outcome is not None and outcome != "passed":
                return need
        return None

    def root_cause(self, causes: Iterable[str]) -> Result | None:
        """The failure that probably explains a failure with these likely ``causes``.

        That is the first of ``causes`` that failed in this run, followed back to its
        own cause, so that a chain (namespace → Deployment → Service) names its start.
        """
        for checkpoint_id in causes:
            result = self.results.get(checkpoint_id)
            if result is not None and result.outcome == "failed":
                return self.root_of(result)
        return None

    def root_of(self, result: Result) -> Result:
        """Where ``result`` leads back to through recorded causes: the failure it probably
        follows from (failed) or the checkpoint that blocked it (skipped); itself if none."""
        seen = {result.checkpoint.id}
        while result.cause is not None and result.cause not in seen:
            earlier = self.results.get(result.cause)
            if earlier is None:
                break
            seen.add(earlier.checkpoint.id)
            result = earlier
        return result

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
                    "description": r.description,
                    "outcome": r.outcome,
                    "points": r.checkpoint.points,
                    "earned": r.earned,
                    "message": r.message,
                    "hint": r.hint,
                    "cause": r.cause,
                }
                for r in self.results.values()
            ],
            "meta": self.meta(),
        }

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.as_json(), ensure_ascii=False, indent=2)
        path.write_text(text + "\n", encoding="utf-8")

    def summary_lines(self) -> list[str]:
        """One line per lab with its score per step, then the total."""
        lines: list[str] = []
        for lab in dict.fromkeys(r.checkpoint.lab for r in self.results.values()):
            in_lab = [r for r in self.results.values() if r.checkpoint.lab == lab]
            steps = [
                render(
                    "summary.step_inline",
                    self.lang,
                    step=step,
                    **_tally(r for r in in_lab if r.checkpoint.step == step),
                )
                for step in sorted({r.checkpoint.step for r in in_lab})
            ]
            line = render("summary.lab_line", self.lang, lab=lab, **_tally(in_lab))
            lines.append(f"{line} ({' · '.join(steps)})")
        lines.append(render("summary.total", self.lang, earned=self.score, max=self.max_score))
        return lines


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _tally(results: Iterable[Result]) -> dict[str, int]:
    items = list(results)
    return {
        "passed": sum(1 for r in items if r.outcome == "passed"),
        "total": len(items),
        "earned": sum(r.earned for r in items),
        "max": sum(r.checkpoint.points for r in items),
    }
