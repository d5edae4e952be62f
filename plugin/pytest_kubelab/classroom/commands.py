"""The ``grade`` and ``merge`` commands of ``python -m pytest_kubelab.classroom``."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..catalog import render
from .gradebook import Row, row_from_grade, summary_lines, write_all
from .roster import RosterError, Student, from_kubeconfigs, load_class_file, unique
from .runner import ClassRun, grade_class


def grade_command(args: argparse.Namespace, extra: Sequence[str], lang: str) -> int:
    """Grade the class; 0 when every student was graded (whatever their scores)."""
    try:
        students: list[Student] = []
        if args.class_file is not None:
            students += load_class_file(args.class_file)
        students = unique(students + from_kubeconfigs(args.kubeconfigs))
    except RosterError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not students:
        print(render("class.no_students", lang), file=sys.stderr)
        return 2
    for path in args.tests:
        if not path.exists():
            print(render("class.no_tests", lang, path=path), file=sys.stderr)
            return 2
    run = ClassRun(
        tests=list(args.tests),
        out=args.out,
        jobs=args.jobs,
        wait=args.lab_wait,
        deadline=args.lab_deadline,
        student_timeout=args.student_timeout,
        lang=lang,
        extra=list(extra),
    )
    started = time.monotonic()
    rows = grade_class(run, students, progress=lambda line: print(line, flush=True))
    wall = time.monotonic() - started
    _finish(rows, args.out, lang)
    print(render("class.summary.wall", lang, seconds=wall, jobs=max(1, args.jobs)))
    return 0 if all(r.status in ("graded", "unreachable") for r in rows) else 1


def merge_command(grades: Sequence[Path], out: Path, lang: str) -> int:
    """Build the gradebook from grade files; 1 when one of them cannot be read."""
    rows = [row_from_grade(path) for path in grades]
    _finish(rows, out, lang)
    return 0 if all(r.status != "error" for r in rows) else 1


def _finish(rows: Sequence[Row], out: Path, lang: str) -> None:
    csv_path, html_path = write_all(rows, out, lang)
    print("")
    for line in summary_lines(rows, lang):
        print(line)
    print(render("class.summary.files", lang, csv=csv_path, html=html_path))
