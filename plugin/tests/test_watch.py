"""``pytest --lab-watch``: the live checklist, driven against simulated clusters.

The end-to-end tests run the real lab spec in a subprocess (output not a terminal,
so each changed checklist is printed once) against ``obs-demo-becomes-ready``,
whose web-app pods become Ready 8 s after the simulator starts, and against
scenarios that never pass. The checklist and timeline units are tested in process.
"""

from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from pytest_kubelab.checklist import FAILED, PASSED, PENDING, checklist_of, next_command
from pytest_kubelab.grading import GradeBook, Result
from pytest_kubelab.sim.nodeports import NodePortStandIns
from pytest_kubelab.sim.scenario import ScenarioError, load_scenario, parse_scenario
from pytest_kubelab.sim.timeline import TimelinePlayer, parse_timeline
from pytest_kubelab.spec import LabSpec, load_spec
from pytest_kubelab.watch import EXIT_ALL_PASSED, EXIT_NOT_ALL_PASSED
from pytest_kubelab.watchloop import CLEAR_SCREEN

from .conftest import REPO, ctrl_c_reaches_the_child

OBS = "tests/lab1_observability"
HEADER_EN = "Live checklist · "
HEADER_KO = "실시간 체크리스트 · "
# ✅/❌/⏳ then the checkpoint id.
LINE = re.compile(r"^(✅|❌|⏳) (\S+)", re.MULTILINE)
MARK_STATE = {"✅": PASSED, "❌": FAILED, "⏳": PENDING}


def _checklists(text: str, header: str) -> list[dict[str, str]]:
    """Every checklist the run printed, as checkpoint id -> state, in order."""
    blocks = text.split(header)[1:]
    return [
        {cid: MARK_STATE[mark] for mark, cid in LINE.findall(block.split("\n\n")[0])}
        for block in blocks
    ]


def _watch(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    scenario: str,
    *args: str,
) -> tuple[pytest.RunResult, list[dict[str, Any]], dict[str, Any]]:
    """Run ``--lab-watch`` on ``scenario``; returns the result, request log and grade JSON."""
    log = pytester.path / "requests.json"
    grade = pytester.path / "grade.json"
    monkeypatch.setenv("KUBELAB_SIM_LOG", str(log))
    result = pytester.runpytest_subprocess(
        "--lab-sim",
        scenario,
        "--lab-watch",
        "--lab-watch-interval",
        "0.5",
        "--grade-json",
        str(grade),
        *args,
        timeout=120,
    )
    requests = json.loads(log.read_text(encoding="utf-8")) if log.exists() else []
    data = json.loads(grade.read_text(encoding="utf-8")) if grade.exists() else {}
    return result, requests, data


def test_checklist_turns_green_when_the_demo_pods_become_ready(
    pytester: pytest.Pytester, lab_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, requests, grade = _watch(
        pytester, monkeypatch, "obs-demo-becomes-ready", OBS, "-m", "step5"
    )
    text = result.stdout.str()
    lists = _checklists(text, HEADER_KO)
    assert len(lists) >= 2, text
    first, last = lists[0], lists[-1]
    step5 = {c["id"] for c in grade["checkpoints"]}
    assert set(first) == set(last) == step5 and all(c.startswith("obs.5.") for c in step5)
    # At first the pods are ContainerCreating: still starting, not broken.
    assert first["obs.5.web-app"] == PENDING, text
    assert first["obs.5.web-service"] == PENDING, text
    assert "아직 준비 중 — obs.5.web-app: " in text
    assert "다음 명령: kubectl describe pod -n demo web-app-" in text
    assert set(last.values()) == {PASSED}, text
    assert "선택한 체크포인트를 모두 통과했습니다" in text
    assert result.ret == EXIT_ALL_PASSED
    # The grade file and pytest's own summary describe the last round only.
    assert {c["outcome"] for c in grade["checkpoints"]} == {"passed"}
    assert grade["score"] == grade["max_score"] > 0
    result.stdout.fnmatch_lines([f"*{len(step5)} passed*"])
    # Not a terminal: no escape codes, and an unchanged checklist is not printed again.
    assert CLEAR_SCREEN not in text and "\x1b[" not in text
    assert all(a != b for a, b in zip(lists, lists[1:], strict=False)), text
    # Read-only, like any grading: many rounds, GET only.
    assert requests and {r["method"] for r in requests} == {"GET"}


def test_a_checklist_that_never_passes_shows_cause_and_fix_and_exits_1(
    pytester: pytest.Pytester, lab_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, requests, grade = _watch(
        pytester,
        monkeypatch,
        "obs-demo-imagepull",
        OBS,
        "-m",
        "step5",
        "--lab-lang",
        "en",
        "--lab-watch-rounds",
        "3",
        "--junitxml",
        "junit.xml",
    )
    text = result.stdout.str()
    lists = _checklists(text, HEADER_EN)
    assert len(lists) == 1, text  # three rounds, one unchanged state: printed once
    assert lists[0]["obs.5.web-app"] == FAILED
    # web-service waits for pods that will not come: it fails with the image typo.
    assert lists[0]["obs.5.web-service"] == FAILED
    assert "Fix first — obs.5.web-app: Deployment demo/web-app differs from the lab" in text
    assert "Next command: kubectl -n demo set image deployment/web-app nginx=nginx:alpine" in text
    not_passing = sum(1 for c in grade["checkpoints"] if c["outcome"] != "passed")
    assert not_passing == 3
    assert f"stopped with {not_passing} checkpoints not passing yet (exit code 1)" in text
    assert result.ret == EXIT_NOT_ALL_PASSED
    assert {r["method"] for r in requests} == {"GET"}
    # Three rounds really ran, each with its own snapshot of the pods (one LIST per round).
    pod_lists = [r for r in requests if r["path"] == "/api/v1/pods"]
    assert len(pod_lists) == 3, requests
    # ... but the reports describe the last round only: one test case per checkpoint.
    junit = ElementTree.parse(pytester.path / "junit.xml").getroot()
    cases = [case.get("name") for case in junit.iter("testcase")]
    assert len(cases) == len(set(cases)) == len(grade["checkpoints"]) == 4


def _watch_command(interval: str, *extra: str) -> list[str]:
    """A watch of step 5 on a scenario that never passes, in a process of its own."""
    return [
        sys.executable,
        "-m",
        "pytest",
        str(OBS),
        "-m",
        "step5",
        "--lab-sim",
        "obs-demo-imagepull",
        "--lab-watch",
        "--lab-watch-interval",
        interval,
        *extra,
    ]


def test_ctrl_c_ends_with_the_last_checklist_and_exit_code_1(lab_copy: Path) -> None:
    command = _watch_command("0.5", "--lab-lang", "en")
    proc = subprocess.Popen(
        command,
        cwd=lab_copy,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=ctrl_c_reaches_the_child,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # wait for the first checklist, then press Ctrl-C
        seen.append(line)
        if line.startswith("Re-grading every 0.5 s"):
            break
    time.sleep(1.0)  # let it be between or inside later rounds
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=60)
    text = "".join(seen) + rest
    assert proc.returncode == EXIT_NOT_ALL_PASSED, text
    assert "Fix first — obs.5.web-app" in text
    assert "stopped with 3 checkpoints not passing yet (exit code 1)" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text


def test_a_terminal_redraws_the_checklist_in_place(lab_copy: Path) -> None:
    master, slave = pty.openpty()
    command = _watch_command("0.2", "--lab-watch-rounds", "2")
    proc = subprocess.Popen(command, cwd=lab_copy, stdout=slave, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=60)
    text = b"".join(chunks).decode("utf-8", "replace")
    # Both rounds are drawn (the same state), each after clearing the screen.
    assert text.count(CLEAR_SCREEN) == 2, text
    assert text.count(HEADER_KO) == 2
    assert proc.returncode == EXIT_NOT_ALL_PASSED


@pytest.mark.parametrize(
    ("selection", "prefix"),
    [
        (("-m", "step1"), ("obs.1.", "cost.1.")),
        (("-m", "kubecost"), ("cost.",)),
        ((f"{OBS}/test_step5_demo.py",), ("obs.5.",)),
    ],
)
def test_selection_decides_what_is_watched(
    pytester: pytest.Pytester,
    lab_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    selection: tuple[str, ...],
    prefix: tuple[str, ...],
) -> None:
    result, _, grade = _watch(pytester, monkeypatch, "complete", *selection, "--lab-lang", "en")
    lists = _checklists(result.stdout.str(), HEADER_EN)
    assert len(lists) == 1, result.stdout.str()  # all pass in the first round
    ids = {c["id"] for c in grade["checkpoints"]}
    assert set(lists[0]) == ids and ids and all(i.startswith(prefix) for i in ids)
    assert result.ret == EXIT_ALL_PASSED


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--lab-provision",), "--lab-watch cannot be combined with --lab-provision"),
        (("-n", "2"), "--lab-watch re-grades in one process: run it without -n"),
        (("--lab-watch-interval", "0"), "--lab-watch-interval accepts a number of seconds > 0"),
        (("--lab-watch-interval", "soon"), "--lab-watch-interval accepts a number of seconds > 0"),
    ],
)
def test_refused_combinations_say_why_in_one_line(
    pytester: pytest.Pytester, lab_copy: Path, extra: tuple[str, ...], message: str
) -> None:
    result = pytester.runpytest_inprocess(
        OBS, "--lab-sim", "complete", "--lab-watch", "--lab-lang", "en", *extra
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1 and message in errors[0], result.stderr.str()


# --- the checklist, in process --------------------------------------------------------


@pytest.fixture(scope="module")
def obs_spec() -> LabSpec:
    return load_spec(REPO / OBS / "lab.yaml")


def _result(spec: LabSpec, cid: str, outcome: str, **fields: Any) -> Result:
    return Result(spec.checkpoint(cid), outcome, **fields)


def test_states_follow_the_checkpoint_they_are_waiting_for(obs_spec: LabSpec) -> None:
    ids = ["obs.5.namespace", "obs.5.web-app", "obs.5.web-service", "obs.5.web-reachable"]
    book = GradeBook("en")
    book.record(_result(obs_spec, ids[0], "passed"))
    book.record(_result(obs_spec, ids[1], "failed", message="3 pods ContainerCreating."))
    book.record(_result(obs_spec, ids[2], "failed", cause=ids[1]))
    book.record(_result(obs_spec, ids[3], "skipped", cause=ids[1]))
    selected = [obs_spec.checkpoint(i) for i in ids]
    waiting = checklist_of(book, selected, pending=[ids[1]])
    assert [line.state for line in waiting.lines] == [PASSED, PENDING, PENDING, PENDING]
    assert waiting.focus is not None and waiting.focus.checkpoint_id == ids[1]
    assert waiting.focus.state == PENDING and not waiting.all_passed
    # The same round with web-app failing for good: what follows from it fails too.
    broken = checklist_of(book, selected, pending=[])
    assert [line.state for line in broken.lines] == [PASSED, FAILED, FAILED, FAILED]
    assert "Fix first — obs.5.web-app: 3 pods ContainerCreating." in broken.body("en")


def test_next_command_is_the_most_specific_tool_command(obs_spec: LabSpec) -> None:
    message = (
        "Fix the manifest and `kubectl apply` it again "
        "(e.g. `kubectl -n demo set image deployment/web-app nginx=nginx:alpine`)."
    )
    result = _result(obs_spec, "obs.5.web-app", "failed", message=message, hint="`x`")
    assert next_command(result) == "kubectl -n demo set image deployment/web-app nginx=nginx:alpine"
    # Nothing in the message: the hint's command; a quoted word that is no command is not one.
    result = _result(
        obs_spec, "obs.5.web-app", "failed", message="image `nginx:alpnie`.", hint="`helm list`"
    )
    assert next_command(result) == "helm list"
    assert next_command(_result(obs_spec, "obs.5.web-app", "failed", message="no")) is None


# --- the simulator's timeline ---------------------------------------------------------


def test_a_timeline_step_makes_pods_ready_and_opens_their_nodeport() -> None:
    import urllib.error
    import urllib.request

    scenario = load_scenario("obs-demo-becomes-ready")
    nodeports = NodePortStandIns(scenario)
    try:
        url = f"http://127.0.0.1:{nodeports.mapping[30082]}/"
        endpoints = scenario.find("Endpoints", "web-service", "demo") or {}
        assert not any(s.get("addresses") for s in endpoints["subsets"])
        with pytest.raises(urllib.error.URLError):
            urllib.request.urlopen(url, timeout=2)  # refused, as kube-proxy rejects
        TimelinePlayer(scenario, on_change=nodeports.open_ready).apply(1)
        endpoints = scenario.find("Endpoints", "web-service", "demo") or {}
        assert len(endpoints["subsets"][0]["addresses"]) == 3
        with urllib.request.urlopen(url, timeout=5) as answer:
            assert answer.status == 200
    finally:
        nodeports.stop()


def test_the_timeline_plays_by_itself_after_its_seconds() -> None:
    text = """
include: [complete.yaml]
timeline:
  - after_seconds: 0.2
    patch:
      - {kind: Namespace, name: demo, merge: {metadata: {labels: {stage: later}}}}
"""
    scenario = parse_scenario(text)
    player = TimelinePlayer(scenario, on_change=lambda: None)
    assert "stage" not in (scenario.find("Namespace", "demo") or {})["metadata"]["labels"]
    player.start()
    deadline = time.monotonic() + 10
    while player.applied == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    player.cleanup()
    assert (scenario.find("Namespace", "demo") or {})["metadata"]["labels"]["stage"] == "later"


@pytest.mark.parametrize(
    ("timeline", "complaint"),
    [
        ("{after_seconds: 1}", "must be a list"),
        ("[{patch: []}]", "after_seconds >= 0"),
        ("[{after_seconds: -1}]", "after_seconds >= 0"),
        ("[{after_seconds: 1, delete: []}]", "unknown keys ['delete']"),
        ("[{after_seconds: 1, patch: [{kind: Pod, name: nope, namespace: demo}]}]", "nope"),
    ],
)
def test_a_broken_timeline_is_an_error_when_the_scenario_loads(
    timeline: str, complaint: str
) -> None:
    with pytest.raises(ScenarioError, match=re.escape(complaint)):
        parse_scenario(f"include: [complete.yaml]\ntimeline: {timeline}\n")


def test_parse_timeline_orders_steps_by_time() -> None:
    steps = parse_timeline([{"after_seconds": 5}, {"after_seconds": 1, "faults": {}}], "x")
    assert [s.after_seconds for s in steps] == [1.0, 5.0]
    assert steps[0].layer == {"faults": {}}


def test_nothing_selected_says_how_to_select(pytester: pytest.Pytester, lab_copy: Path) -> None:
    result = pytester.runpytest_inprocess(
        OBS, "-k", "no_such_test", "--lab-sim", "complete", "--lab-watch", "--lab-lang", "en"
    )
    assert "No checkpoint is selected to watch" in result.stdout.str()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
