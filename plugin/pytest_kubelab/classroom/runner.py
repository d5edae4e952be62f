"""Grade a class: one pytest process per student, ``jobs`` at a time.

The processes are forked from a server that has already imported pytest, its
plugins and the kubernetes client (``multiprocessing``'s forkserver): each student
still runs in a fresh process of their own, without paying about a second of
imports each time. Where that is not available, or with another ``python``, each
student is a plain ``python -m pytest`` subprocess.

Each student's files go to ``OUT/<student>/``: ``grade.json``, ``junit.xml``,
``report.html`` and ``pytest.log`` (the run's terminal output). A student whose
process fails, hangs past the per-student deadline or cannot reach their cluster
still gets a gradebook row that says so; the others are graded regardless.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog import render
from .gradebook import Row, row_from_grade
from .roster import Student

# Clusters are expected to be finished when a class is graded: wait briefly for
# something still starting, and never let one student hold the class up for long.
CLASS_WAIT = 10.0
CLASS_DEADLINE = 90.0
STUDENT_TIMEOUT = 180.0
TERM_GRACE = 10.0  # seconds between SIGTERM and SIGKILL for a run past its deadline
# What every student's run imports; the forkserver imports it once (missing ones are skipped).
PRELOAD = [
    "pytest",
    "pytest_html.plugin",
    "pytest_kind",
    "xdist.plugin",
    "kubernetes.client",
    "kubernetes.config",
    "requests",
    "jsonschema",
    "pytest_kubelab.plugin",
]
_CONTEXT_LOCK = threading.Lock()
_CONTEXT: list[Any] = []


@dataclass(frozen=True)
class ClassRun:
    """How to grade every student of a class."""

    tests: Sequence[Path]  # the lab folders (each holding lab.yaml) or their parent
    out: Path
    jobs: int = 2
    wait: float = CLASS_WAIT
    deadline: float = CLASS_DEADLINE
    student_timeout: float = STUDENT_TIMEOUT
    lang: str = "ko"
    extra: Sequence[str] = ()  # pytest options given after `--`
    python: str = sys.executable
    fork: bool = True  # start runs from a preloaded forkserver when possible


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
    command = student_command(run, student)
    context = _forkserver() if run.fork and run.python == sys.executable else None
    if context is not None:
        # The preloaded plugins cannot be assert-rewritten (they use no asserts): not a
        # warning the student's report should show.
        args = ["-W", "ignore::pytest.PytestAssertRewriteWarning", *command[3:]]
        code = _run_forked(context, args, log, run.student_timeout)
    else:
        code = _run_subprocess(command, log, run.student_timeout)
    if isinstance(code, str):
        status, note = "error", code
    elif code is None:
        status = "timeout"
        note = render("class.error.timeout", run.lang, seconds=run.student_timeout)
    seconds = time.monotonic() - started
    if not grade.exists() and status is None:
        status = "error"
        note = render("class.error.no_grade", run.lang, code=code, line=_last_line(log))
    return row_from_grade(grade, student.name, status=status, note=note, seconds=seconds)


def _forkserver() -> Any:
    """multiprocessing's forkserver context, preloaded with the grader; None if unavailable."""
    with _CONTEXT_LOCK:
        if not _CONTEXT:
            try:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload([*PRELOAD, *_grader_modules()])
            except ValueError:  # no forkserver on this platform
                context = None
            _CONTEXT.append(context)
        return _CONTEXT[0]


def _grader_modules() -> list[str]:
    """Every module of pytest-kubelab (checks, readers, …) but the ``__main__`` ones.

    Imported once in the forkserver, they are neither compiled nor assert-rewritten
    again for each student (pytest rewrites a plugin package's modules on import).
    """
    import pkgutil

    import pytest_kubelab

    names = pkgutil.walk_packages(pytest_kubelab.__path__, "pytest_kubelab.")
    return [info.name for info in names if not info.name.endswith("__main__")]


def _pytest_in_child(args: list[str], log: str, cwd: str) -> None:
    """The body of a forked student run: pytest with its output in the student's log."""
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.chdir(cwd)
    import pytest

    code = pytest.main(args)
    sys.stdout.flush()
    sys.stderr.flush()
    sys.exit(int(code))


def _run_forked(context: Any, args: list[str], log: Path, timeout: float) -> int | str | None:
    """Exit code of a forked run; None after a timeout; a reason when it cannot start."""
    process = context.Process(target=_pytest_in_child, args=(args, str(log), os.getcwd()))
    try:
        process.start()
    except OSError as exc:
        return str(exc)
    process.join(timeout)
    if process.is_alive():
        process.terminate()  # SIGTERM: the grade of what was judged is still written
        process.join(TERM_GRACE)
        if process.is_alive():
            process.kill()
            process.join()
        return None
    return int(process.exitcode or 0)


def _run_subprocess(command: list[str], log: Path, timeout: float) -> int | str | None:
    """Exit code of ``command``; None after a timeout; a reason when it cannot start."""
    with log.open("w", encoding="utf-8") as out:
        try:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        except OSError as exc:
            return str(exc)
        return _wait(process, timeout)


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
