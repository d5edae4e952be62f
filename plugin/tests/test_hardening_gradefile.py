"""Results survive interruption: the grade file is written as checkpoints finish and on SIGTERM.

A run on a slow fault scenario is started in a subprocess, as a CI job would run it,
and stopped with SIGTERM (a CI timeout) or SIGINT (Ctrl-C) once some checkpoints are
judged. The grade file must be valid JSON in the usual shape, with ``complete: false``
and every unjudged checkpoint marked; the JUnit XML must be written too.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytest_kubelab.gradefile import write_atomic

from .conftest import LabRun, ctrl_c_reaches_the_child


def test_write_atomic_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "grade.json"
    write_atomic(target, {"score": 1})
    write_atomic(target, {"score": 2})
    assert json.loads(target.read_text(encoding="utf-8")) == {"score": 2}
    assert sorted(p.name for p in target.parent.iterdir()) == ["grade.json"]
    assert target.stat().st_mode & 0o777 == 0o644


def test_a_finished_run_keeps_the_old_shape(run_lab: Callable[..., LabRun]) -> None:
    run = run_lab("fresh", labs=("lab1_kubecost",))
    # No "complete": false; "meta" (student, context, time, ...) is the only key added.
    assert set(run.grade) == {"score", "max_score", "checkpoints", "meta"}
    assert run.grade["max_score"] == sum(c["points"] for c in run.grade["checkpoints"])
    assert "not judged" not in json.dumps(run.grade)


def _judged(path: Path) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(1 for c in data["checkpoints"] if not c["message"].startswith("not judged"))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_leaves_a_valid_grade_and_junit(
    lab_copy: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    grade, junit = tmp_path / "grade.json", tmp_path / "junit.xml"
    env = dict(os.environ, PYTEST_ADDOPTS="-p no:hypothesispytest -p no:cacheprovider")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "--lab-sim",
            "fault-nodeport-trickle",  # Grafana's NodePort trickles: a slow checkpoint
            "--lab-lang",
            "en",
            "--grade-json",
            str(grade),
            "--junitxml",
            str(junit),
        ],
        cwd=lab_copy,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        preexec_fn=ctrl_c_reaches_the_child,
    )
    try:
        until = time.monotonic() + 60
        while _judged(grade) < 3 and time.monotonic() < until:
            time.sleep(0.2)
        assert _judged(grade) >= 3, "no checkpoint was judged in 60 s"
        stopped = time.monotonic()
        process.send_signal(signum)
        output, _ = process.communicate(timeout=30)
        assert time.monotonic() - stopped < 10
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 2, output.decode(errors="replace")  # pytest: interrupted
    data = json.loads(grade.read_text(encoding="utf-8"))
    assert data["complete"] is False
    assert set(data) >= {"score", "max_score", "checkpoints", "complete"}
    outcomes = [c["outcome"] for c in data["checkpoints"]]
    assert "passed" in outcomes
    unjudged = [c for c in data["checkpoints"] if c["message"].startswith("not judged")]
    assert unjudged
    assert all(c["outcome"] == "skipped" and c["earned"] == 0 for c in unjudged)
    # Described from collection, in the run's language (English here), though never run.
    assert all(c["description"] and not re.search("[가-힣]", c["description"]) for c in unjudged)
    assert data["max_score"] == sum(c["points"] for c in data["checkpoints"])
    assert data["score"] == sum(c["earned"] for c in data["checkpoints"])
    assert len(data["checkpoints"]) == len({c["id"] for c in data["checkpoints"]}) == 41
    assert junit.exists() and "<testsuite" in junit.read_text(encoding="utf-8")
