"""`python -m pytest_kubelab.classroom grade|merge` on a class of simulated students.

One class is graded once for the module: alice (everything done, reached through a
class-file NodePort map), bob (the demo app's image is mistyped), carol (her API
server is down) and dave (his kubeconfig is not even YAML), two at a time, with
pytest options after ``--``. The kubeconfigs live outside the checkout.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_kubelab.classroom.gradebook import row_from_grade
from pytest_kubelab.classroom.roster import Student, load_class_file
from pytest_kubelab.classroom.runner import ClassRun, grade_student
from pytest_kubelab.sim.runtime import start

REPO = Path(__file__).resolve().parents[2]
LABS = ("lab1_observability", "lab1_kubecost")
SELECT = "step1 or step2 or step5"
QUIET = "-p no:hypothesispytest -p no:cacheprovider"


@dataclass
class GradedClass:
    checkout: Path
    out: Path
    done: subprocess.CompletedProcess[str]
    rows: list[dict[str, str]]

    def row(self, student: str) -> dict[str, str]:
        return next(r for r in self.rows if r["student"] == student)


def make_checkout(root: Path) -> Path:
    checkout = root / "checkout"
    for lab in LABS:
        shutil.copytree(
            REPO / "tests" / lab,
            checkout / "tests" / lab,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(REPO / "pyproject.toml", checkout / "pyproject.toml")
    return checkout


def classroom(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTEST_ADDOPTS": QUIET}
    return subprocess.run(
        [sys.executable, "-m", "pytest_kubelab.classroom", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedClass:
    root = tmp_path_factory.mktemp("class")
    checkout = make_checkout(root)
    elsewhere = root / "kubeconfigs"  # not inside the checkout
    elsewhere.mkdir()
    with (
        start("complete") as alice,
        start("obs-demo-imagepull") as bob,
        start("api-unreachable") as carol,
    ):
        entries: list[dict[str, Any]] = []
        for name, sim in (("alice", alice), ("bob", bob)):
            shutil.copy(sim.kubeconfig, elsewhere / f"{name}-cluster.yaml")
            entries.append(
                {
                    "student": name,
                    "kubeconfig": f"{name}-cluster.yaml",  # relative to the class file
                    "node_address": "127.0.0.1",
                    "nodeport_map": {k: f"127.0.0.1:{v}" for k, v in sim.nodeport_map.items()},
                }
            )
        (elsewhere / "class.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
        shutil.copy(carol.kubeconfig, elsewhere / "carol.kubeconfig")
        (elsewhere / "dave.kubeconfig").write_text("clusters: [unclosed", encoding="utf-8")
        out = root / "out"
        done = classroom(
            "grade",
            "--class-file",
            str(elsewhere / "class.yaml"),
            str(elsewhere / "carol.kubeconfig"),
            str(elsewhere / "dave.kubeconfig"),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--",
            "-m",
            SELECT,
            cwd=checkout,
        )
    return GradedClass(checkout, out, done, read_csv(out / "class.csv"))


def test_every_student_gets_files_and_a_row(graded: GradedClass) -> None:
    assert graded.done.returncode == 0, graded.done.stdout + graded.done.stderr
    assert [r["student"] for r in graded.rows] == ["alice", "bob", "carol", "dave"]
    for student in ("alice", "bob", "carol", "dave"):
        folder = graded.out / student
        for name in ("grade.json", "junit.xml", "report.html"):
            assert (folder / name).stat().st_size > 0, f"{student}/{name}"
    progress = [line for line in graded.done.stdout.splitlines() if line.startswith("[")]
    assert sorted(line[:5] for line in progress) == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]


def test_rows_say_score_outcomes_and_unreachable(graded: GradedClass) -> None:
    alice, bob = graded.row("alice"), graded.row("bob")
    assert alice["status"] == "graded" and alice["score"] == alice["max_score"]
    # Only the selected steps ran (`-m` after `--` reached pytest).
    steps = {column.split(".")[1] for column in alice if column.startswith(("obs.", "cost."))}
    assert steps == {"1", "2", "5"}
    assert bob["status"] == "graded" and int(bob["score"]) < int(bob["max_score"])
    assert bob["obs.5.web-app"] == "failed" and bob["obs.1.nodes"] == "passed"
    for student in ("carol", "dave"):
        row = graded.row(student)
        assert row["status"] == "unreachable"
        assert row["score"] == "0" and row["obs.1.cluster-reachable"] == "failed"
        assert row["note"], "the row says why"


def test_grade_json_names_the_student(graded: GradedClass) -> None:
    row = row_from_grade(graded.out / "alice" / "grade.json")
    assert row.student == "alice"
    text = (graded.out / "bob" / "grade.json").read_text(encoding="utf-8")
    assert '"student": "bob"' in text


def test_summary_on_the_terminal(graded: GradedClass) -> None:
    out = graded.done.stdout
    assert "채점한 학생: 4명 (클러스터 연결 불가 2명" in out
    assert "평균 점수:" in out
    assert "가장 많은 학생이 통과하지 못한 체크포인트:" in out
    assert "- obs.1.cluster-reachable (" in out


def test_gradebook_html_links_each_report(graded: GradedClass) -> None:
    page = (graded.out / "class.html").read_text(encoding="utf-8")
    for student in ("alice", "bob", "carol", "dave"):
        assert f'<a href="{student}/report.html">{student}</a>' in page
    assert "<script" not in page and "http://" not in page.split("<body>")[0]
    assert 'class="o failed"' in page and 'class="o passed"' in page


def test_merge_builds_the_same_gradebook(graded: GradedClass, tmp_path: Path) -> None:
    grades = [str(graded.out / s / "grade.json") for s in ("alice", "bob", "carol", "dave")]
    done = classroom("merge", *grades, "--out", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert read_csv(tmp_path / "class.csv") == graded.rows
    page = (tmp_path / "class.html").read_text(encoding="utf-8")
    assert "report.html" in page  # links to the reports beside the grade files


def test_merge_reports_an_unreadable_grade(tmp_path: Path) -> None:
    broken = tmp_path / "erin.json"
    broken.write_text("{", encoding="utf-8")
    done = classroom("merge", str(broken), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 1
    assert read_csv(tmp_path / "out" / "class.csv")[0]["status"] == "error"


def _fake_python(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-python"
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)
    return str(script)


def test_a_student_past_the_deadline_is_stopped(tmp_path: Path) -> None:
    run = ClassRun(
        tests=[tmp_path],
        out=tmp_path / "out",
        student_timeout=1,
        python=_fake_python(tmp_path, "sleep 30"),
    )
    row = grade_student(run, Student("slow", tmp_path / "slow.kubeconfig"))
    assert row.status == "timeout" and row.score is None
    assert row.seconds is not None and row.seconds < 10
    assert "1초" in row.note


def test_a_crashing_run_gives_an_error_row(tmp_path: Path) -> None:
    run = ClassRun(tests=[tmp_path], out=tmp_path / "out", python=_fake_python(tmp_path, "exit 4"))
    row = grade_student(run, Student("erin", tmp_path / "erin.kubeconfig"))
    assert row.status == "error" and "4" in row.note


def test_class_file_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "class.csv"
    path.write_text(
        "student,kubeconfig,context,node_address,nodeport_map\n"
        "alice,kc/alice.yaml,kind-lab-cluster,10.0.0.11,30080=127.0.0.1:18080;30081=18081\n"
        ",/abs/bob.kubeconfig,,,\n",
        encoding="utf-8",
    )
    alice, bob = load_class_file(path)
    assert alice == Student(
        "alice",
        tmp_path / "kc" / "alice.yaml",
        "kind-lab-cluster",
        "10.0.0.11",
        "30080=127.0.0.1:18080,30081=18081",
    )
    assert bob == Student("bob", Path("/abs/bob.kubeconfig"))


CHROMIUM = os.environ.get("KUBELAB_CHROMIUM") or shutil.which("chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
PROBE = """
<script>
window.addEventListener("load", () => {
  const shown = (sel) => [...document.querySelectorAll(sel)].filter(
    (el) => el.getClientRects().length > 0);
  const probe = {
    students: shown("#gradebook tbody th.student").map((el) => el.innerText),
    failed_colour: getComputedStyle(document.querySelector("td.o.failed")).backgroundColor,
    passed_colour: getComputedStyle(document.querySelector("td.o.passed")).backgroundColor,
    summary: shown("#class-summary li").map((el) => el.innerText),
  };
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = JSON.stringify(probe);
  document.body.appendChild(out);
});
</script>
"""


def _chromium(profile: Path, *args: str) -> str:
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_gradebook_in_chromium(graded: GradedClass, tmp_path: Path) -> None:
    import html
    import json
    import re

    page = graded.out / "class.html"
    probed = graded.out / "probe.html"
    probed.write_text(page.read_text(encoding="utf-8") + PROBE, encoding="utf-8")
    dom = _chromium(tmp_path / "p1", "--virtual-time-budget=3000", "--dump-dom", probed.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None
    probe = json.loads(html.unescape(found.group(1)))
    assert probe["students"] == ["alice", "bob", "carol", "dave"]
    assert probe["passed_colour"] == "rgb(45, 164, 78)"
    assert probe["failed_colour"] == "rgb(207, 34, 46)"
    assert any("평균 점수" in line for line in probe["summary"])
    shot = tmp_path / "class-gradebook-selftest-ko.png"
    _chromium(tmp_path / "p2", "--window-size=1400,700", f"--screenshot={shot}", page.as_uri())
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    keep = os.environ.get("KUBELAB_SCREENSHOT_DIR")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / shot.name)


def test_merge_of_ci_artifacts(graded: GradedClass, tmp_path: Path) -> None:
    """The layout download-artifact gives (grades/grade-<student>/grade.json)."""
    for student in ("alice", "bob", "carol", "dave"):
        target = tmp_path / "grades" / f"grade-{student}"
        shutil.copytree(graded.out / student, target)
    done = classroom(
        "merge",
        *sorted(str(p) for p in tmp_path.glob("grades/*/grade.json")),
        "--out",
        "class",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    rows = read_csv(tmp_path / "class" / "class.csv")
    assert [r["student"] for r in rows] == ["alice", "bob", "carol", "dave"]  # from meta.student
    page = (tmp_path / "class" / "class.html").read_text(encoding="utf-8")
    assert '<a href="../grades/grade-alice/report.html">alice</a>' in page


def test_a_forked_run_past_the_deadline_is_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The default (forkserver) path: an API server that answers after 3 s per request."""
    checkout = make_checkout(tmp_path)
    monkeypatch.setenv("KUBELAB_SIM_LATENCY_MS", "3000")
    monkeypatch.setenv("PYTEST_ADDOPTS", QUIET)
    monkeypatch.chdir(checkout)
    with start("complete") as sim:
        run = ClassRun(tests=[checkout / "tests"], out=tmp_path / "out", student_timeout=4)
        row = grade_student(run, Student("slowpoke", sim.kubeconfig))
    assert row.status == "timeout", row
    assert row.seconds is not None and row.seconds < 4 + 10 + 5
    assert (tmp_path / "out" / "slowpoke" / "pytest.log").exists()
