"""CI helpers: per-checkpoint verdicts from the grade JSON, and a GitHub Classroom workflow.

GitHub Classroom awards points per "test" step (exit code 0 = all its points).
Running the lab once and then asking the grade JSON about each checkpoint keeps
``needs`` blocking and waiting consistent with a local run, and costs one run::

    python -m pytest_kubelab.classroom check grade.json obs.1.nodes
    python -m pytest_kubelab.classroom workflow tests/lab1_observability/lab.yaml > classroom.yml
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from .catalog import DEFAULT_LANGUAGE, LANGUAGES, render
from .spec import load_spec

GRADE_FILE = "grade.json"
REPORT_FILE = "report.html"


def check(grade_path: Path, checkpoint_id: str, lang: str = DEFAULT_LANGUAGE) -> int:
    """Print one checkpoint's outcome, message and hint; 0 when it passed."""
    try:
        grade = json.loads(grade_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(render("classroom.no_grade", lang, path=grade_path))
        return 1
    entry = next((c for c in grade.get("checkpoints") or [] if c.get("id") == checkpoint_id), None)
    if entry is None:
        print(render("classroom.not_graded", lang, id=checkpoint_id))
        return 1
    outcome = str(entry.get("outcome"))
    print(
        f"[{checkpoint_id}] {render('outcome.' + outcome, lang)} "
        f"({entry.get('earned', 0)}/{entry.get('points', 0)}) {entry.get('title', '')}"
    )
    if entry.get("message"):
        print(entry["message"])
    if outcome != "passed" and entry.get("hint"):
        print(f"{render('label.hint', lang)}: {entry['hint']}")
    return 0 if outcome == "passed" else 1


def step_id(checkpoint_id: str) -> str:
    """A GitHub Actions step id for a checkpoint id (letters, digits, - and _)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", checkpoint_id)


def workflow(lab_files: Sequence[Path], lang: str = DEFAULT_LANGUAGE) -> str:
    """A GitHub Classroom workflow that grades once and awards points per checkpoint."""
    specs = [load_spec(path) for path in lab_files]
    lab_dirs = " ".join(path.parent.as_posix() for path in lab_files)
    steps: list[dict[str, Any]] = [
        {"name": "Checkout", "uses": "actions/checkout@v4"},
        {"uses": "actions/setup-python@v5", "with": {"python-version": "3.12"}},
        {
            "name": "Install the grader",
            # Replace with where your course publishes pytest-kubelab.
            "run": 'pip install "pytest-kubelab @ git+https://github.com/OWNER/pytest-kubelab"',
        },
        {
            "name": "Build the lab with the student's scripts",
            # A failing script must not stop grading: the report says what is missing.
            "run": 'for script in step*.sh; do bash "$script" || true; done',
            "continue-on-error": True,
        },
        {
            "name": "Grade the lab once",
            "run": (
                f"pytest {lab_dirs} --lab-lang {lang} --grade-json {GRADE_FILE} "
                f"--html={REPORT_FILE} --self-contained-html --junitxml=junit.xml || true"
            ),
        },
        {
            "name": "Keep the report",
            "if": "always()",
            "uses": "actions/upload-artifact@v4",
            "with": {"name": "lab-report", "path": f"{REPORT_FILE}\n{GRADE_FILE}\njunit.xml"},
        },
    ]
    runners: list[str] = []
    for spec in specs:
        for checkpoint in spec.checkpoints:
            sid = step_id(checkpoint.id)
            runners.append(sid)
            steps.append(
                {
                    "name": f"{checkpoint.id}: {checkpoint.title_in(lang)}",
                    "id": sid,
                    "uses": "classroom-resources/autograding-command-grader@v1",
                    "with": {
                        "test-name": f"{checkpoint.id} {checkpoint.title_in(lang)}",
                        "command": (
                            f"python -m pytest_kubelab.classroom check {GRADE_FILE} "
                            f"{checkpoint.id} --lang {lang}"
                        ),
                        "timeout": 1,
                        "max-score": checkpoint.points,
                    },
                }
            )
    steps.append(
        {
            "name": "Autograding Reporter",
            "uses": "classroom-resources/autograding-grading-reporter@v1",
            "env": {f"{r.upper()}_RESULTS": f"${{{{steps.{r}.outputs.result}}}}" for r in runners},
            "with": {"runners": ",".join(runners)},
        }
    )
    document = {
        "name": "Autograding Tests",
        "on": ["push", "workflow_dispatch", "repository_dispatch"],
        "permissions": {"checks": "write", "actions": "read", "contents": "read"},
        "jobs": {
            "run-autograding-tests": {
                "runs-on": "ubuntu-latest",
                "if": "github.actor != 'github-classroom[bot]'",
                "timeout-minutes": 60,
                "steps": steps,
            }
        },
    }
    header = (
        "# Generated by `python -m pytest_kubelab.classroom workflow "
        + " ".join(str(p) for p in lab_files)
        + "`.\n# Regenerate it when lab.yaml changes; points come from lab.yaml.\n"
    )
    body = yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=1000)
    return header + body


class _Dumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks, as people write workflows by hand."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pytest_kubelab.classroom")
    commands = parser.add_subparsers(dest="command", required=True)
    check_cmd = commands.add_parser("check", help="exit 0 when a checkpoint passed")
    check_cmd.add_argument("grade", type=Path)
    check_cmd.add_argument("checkpoint")
    check_cmd.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    flow_cmd = commands.add_parser("workflow", help="print a GitHub Classroom workflow")
    flow_cmd.add_argument("lab_yaml", type=Path, nargs="+")
    flow_cmd.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    args = parser.parse_args(argv)
    if args.command == "check":
        return check(args.grade, args.checkpoint, args.lang)
    sys.stdout.write(workflow(args.lab_yaml, args.lang))
    return 0


if __name__ == "__main__":
    sys.exit(main())
