"""The README's instructor command works with a kubeconfig anywhere on disk.

The documented form names the test folder and gives ``--kubeconfig=PATH`` as one
argument. (``pytest --kubeconfig PATH`` with PATH outside the checkout makes pytest
take PATH for a test path when it looks for the rootdir, and collection fails.)
It is run from the checkout and from the kubeconfig's own folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pytest_kubelab.sim.runtime import start

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "-m", "step1"],
        cwd=cwd,
        env={**os.environ, "PYTEST_ADDOPTS": "-p no:hypothesispytest -p no:cacheprovider"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_readme_shows_the_form_that_works() -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Instructors and CI", 1)[1].split("\n## ", 1)[0]
    assert "pytest tests --kubeconfig=" in section
    assert "pytest --kubeconfig student1.kubeconfig" not in text


def test_kubeconfig_outside_the_checkout(
    lab_copy: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("kubeconfigs")
    with start("two-nodes") as sim:
        kubeconfig = elsewhere / "student1.kubeconfig"
        shutil.copy(sim.kubeconfig, kubeconfig)
        # The README's form, from the checkout.
        from_checkout = _run(
            [
                "tests",
                f"--kubeconfig={kubeconfig}",
                "--grade-json=grades/student1/grade.json",
                "--junitxml=grades/student1/junit.xml",
            ],
            cwd=lab_copy,
        )
        # The same from the kubeconfig's folder, the checkout's tests named by path.
        from_elsewhere = _run(
            [
                str(lab_copy / "tests"),
                "--kubeconfig=student1.kubeconfig",
                "--grade-json=grade.json",
            ],
            cwd=elsewhere,
        )
    for done, grade in (
        (from_checkout, lab_copy / "grades" / "student1" / "grade.json"),
        (from_elsewhere, elsewhere / "grade.json"),
    ):
        assert f"rootdir: {lab_copy}" in done.stdout, done.stdout[-2000:] + done.stderr[-2000:]
        data = json.loads(grade.read_text(encoding="utf-8"))
        outcomes = {c["id"]: c["outcome"] for c in data["checkpoints"]}
        assert outcomes["obs.1.cluster-reachable"] == "passed"
        assert outcomes["obs.1.nodes"] == "failed"  # two-nodes: one worker only
        assert data["meta"]["server"] == sim.server_url
    assert (lab_copy / "grades" / "student1" / "junit.xml").exists()
