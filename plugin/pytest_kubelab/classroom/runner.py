"""Grade a class: one pytest process per student, ``jobs`` at a time.

Each student's files go to ``OUT/<student>/``: ``grade.json``, ``junit.xml``,
``report.html`` and ``pytest.log`` (the run's terminal output). A student whose
process fails, hangs past the per-student deadline or cannot reach their cluster
still gets a gradebook row that says so; the others are graded regardless.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from ..catalog import render
from .gradebook import Row, row_from_grade
from .roster import Student

# Clusters are expected to be finished when a class is graded: wait briefly for
# something still starting, and never let one student hold the class up for long.
CLASS_WAIT = 10.0
CLASS_DEADLINE = 90.0
STUDENT_TIMEOUT = 180.0
TERM_GRACE = 10.0  # seconds between SIGTERM and SIGKILL for a run past its deadline


@dataclass(frozen=True)
class ClassRun:
    """How to grade every student of a class."""

    tests: Sequence[Path]  # the lab test folders (tests/lab1_*) or their parent
    out: Path
    jobs: int = 2
    wait: float = CLASS_WAIT
    deadline: float = CLASS_DEADLINE
    student_timeout: float = STUDENT_TIMEOUT
    lang: str = "ko"
    extra: Sequence[str] = ()  # pytest options given after `--`
    python: str = sys.executable


def student_command(run: ClassRun, student: Student) -> list[str]:
    """The pytest command line that grades one student (their files in ``OUT/<student>``)."""
    folder = run.out / student.folder
    command = [
        run.python,
        "-m",
        "pytest",
        *(str(path.absolute()) for path in run.tests),
        # `--kubeconfig=PATH` in one argument: a separate PATH outside the checkout
        # would be taken for a test path and move pytest's rootdir.
        f"--kubeconfig={student.kubeconfig}",
        f"--grade-json={folder / 'grade.json'}",
        f"--junitxml={folder / 'junit.xml'}",
        f"--html={folder / 'report.html'}",
        "--self-contained-html",
        f"--lab-wait={run.wait:g}",
        f"--lab-deadline={run.deadline:g}",
        f"--lab-lang={run.lang}",
        f"--lab-student={student.name}",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    if student.context:
        command.append(f"--kube-context={student.context}")
    if student.node_address:
        command.append(f"--node-address={student.node_address}")
    if student.nodeport_map:
        command.append(f"--nodeport-map={student.nodeport_map}")
    # Last, so that options given after `--` win over the class defaults above.
    return [*command, *run.extra]


def grade_student(run: ClassRun, student: Student) -> Row:
    """Grade one student in their own process; never raises for the student's trouble."""
    folder = run.out / student.folder
    folder.mkdir(parents=True, exist_ok=True)
    grade = folder / "grade.json"
    grade.unlink(missing_ok=True)  # a stale grade from an earlier run must not count
    log = folder / "pytest.log"
    started = time.monotonic()
    status: str | None = None
    note = ""
    with log.open("w", encoding="utf-8") as out:
        try:
            process = subprocess.Popen(
                student_command(run, student),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        except OSError as exc:
            process = None
            status, note = "error", str(exc)
        code = None if process is None else _wait(process, run.student_timeout)
        if process is not None and code is None:
            status = "timeout"
            note = render("class.error.timeout", run.lang, seconds=run.student_timeout)
    seconds = time.monotonic() - started
    if not grade.exists() and status is None:
        status = "error"
        note = render("class.error.no_grade", run.lang, code=code, line=_last_line(log))
    return row_from_grade(grade, student.name, status=status, note=note, seconds=seconds)


def _wait(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """The exit code, or None when the run had to be stopped after ``timeout`` seconds.

    SIGTERM first: pytest-kubelab then still writes the grade of the checkpoints
    judged so far, the JUnit XML and the report; SIGKILL only if that takes too long.
    """
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.terminate()
    try:
        process.wait(timeout=TERM_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return None


def grade_class(
    run: ClassRun,
    students: Sequence[Student],
    progress: Callable[[str], None] = print,
) -> list[Row]:
    """Grade every student, ``run.jobs`` at a time; rows come back in class order.

    ``progress`` receives one line per finished student, in the order they finish.
    """
    rows: dict[int, Row] = {}
    lock = threading.Lock()
    with ThreadPoolExecutor(max_workers=max(1, run.jobs)) as pool:
        futures = {pool.submit(grade_student, run, s): i for i, s in enumerate(students)}
        for future in as_completed(futures):
            index = futures[future]
            row = future.result()
            with lock:
                rows[index] = row
                progress(progress_line(row, len(rows), len(students), run.lang))
    return [rows[i] for i in range(len(students))]


def progress_line(row: Row, done: int, total: int, lang: str) -> str:
    status = render(f"class.status.{row.status}", lang)
    seconds = row.seconds or 0.0
    common = {"done": done, "total": total, "student": row.student, "status": status}
    if row.score is None or row.status == "error":
        note = " ".join(row.note.split())[:160]
        return render("class.progress_no_score", lang, **common, seconds=seconds, note=note)
    return render(
        "class.progress", lang, **common, score=row.score, max=row.max_score, seconds=seconds
    )


def _last_line(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError:
        return "-"
    return lines[-1][:200] if lines else "-"
