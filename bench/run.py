#!/usr/bin/env python3
"""Benchmark pytest-kubelab against the lab's own kubectl/curl checks, on the simulator.

Usage (from the repository root, with the package installed)::

    python bench/run.py [--reps 5] [--latency-ms 20] [--kubectl PATH]

Every API request of the simulated API server is delayed by ``--latency-ms`` (a real
kind API server answers in about 5-30 ms; the simulator in well under 1 ms). The
baseline is ``bench/baseline.sh`` (the lab's ✅ 검증 commands with kubectl and curl)
against a simulator that this script serves, outside the timed process. The grader is
timed the same way (**like for like**): a fresh ``pytest`` process grading the real lab
spec (``tests/lab1_*``) against a simulator served by this script, through
``--kubeconfig`` and ``--nodeport-map`` as a student's run reaches a real cluster.
The ``--lab-sim`` rows time the grader with the simulator inside its own process
(start-up and serving included). Each row is run ``--reps`` times, interleaved with the
baseline, and reports the minimum and median wall time and the API request count from
the simulator's log. It also reports the start-up share (``--collect-only`` of the same
run: interpreter, pytest, plugins, collecting the lab) and what the plugin costs an
unrelated project. Before measuring, the package's modules are byte-compiled, as
``pip install`` of the wheel does (an editable install under ``PYTHONDONTWRITEBYTECODE``
would otherwise compile them on every run). Prints a table and writes
``bench/results.json``. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_kubelab.kube.podstatus import FATAL_WAITING_REASONS
from pytest_kubelab.labdetect import spec_paths_for
from pytest_kubelab.sim.runtime import LATENCY_ENV, REQUEST_LOG_ENV, start
from pytest_kubelab.sim.scenario import available_scenarios, load_scenario, use_lab_folders

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
LABS = ("lab1_observability", "lab1_kubecost")
NO_DEV = ["-p", "no:hypothesispytest"]


def _pytest_command(labs: Sequence[str], grade: Path, extra: Sequence[str]) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        *(str(REPO / "tests" / lab) for lab in labs),
        *extra,
        f"--grade-json={grade}",
        "-q",
        "-p",
        "no:cacheprovider",
        # hypothesis (a [test] extra, absent from a student's install) costs ~2 s of
        # imports through its pytest plugin; measure what a student runs.
        *NO_DEV,
    ]


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False)
    return time.perf_counter() - started


def _outcomes(grade: Path) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    if grade.exists():
        for entry in json.loads(grade.read_text())["checkpoints"]:
            outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
    return outcomes


def kubelab_once(scenario: str, labs: Sequence[str], latency: float, wait: float) -> dict[str, Any]:
    """One ``--lab-sim`` grading run in a fresh process: wall time, API requests, outcomes."""
    with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
        log, grade = Path(tmp) / "requests.json", Path(tmp) / "grade.json"
        env = {**os.environ, LATENCY_ENV: str(latency), REQUEST_LOG_ENV: str(log)}
        extra = ["--lab-sim", scenario, "--lab-wait", str(wait)]
        wall = _timed(_pytest_command(labs, grade, extra), env)
        requests = json.loads(log.read_text()) if log.exists() else []
        outcomes = _outcomes(grade)
    return {"wall": wall, "requests": len(requests), "outcomes": outcomes}


def _external_args(sim: Any, wait: float) -> list[str]:
    ports = ",".join(f"{node}=127.0.0.1:{local}" for node, local in sim.nodeport_map.items())
    args = [f"--kubeconfig={sim.kubeconfig}", "--node-address=127.0.0.1", f"--lab-wait={wait}"]
    return [*args, f"--nodeport-map={ports}"] if ports else args


def kubelab_external_once(
    scenario: str, labs: Sequence[str], latency: float, wait: float, collect_only: bool = False
) -> dict[str, Any]:
    """One grading run against a simulator served here, as the baseline is (like for like).

    With ``collect_only`` the same command stops after collecting the lab: its start-up.
    """
    os.environ[LATENCY_ENV] = str(latency)
    try:
        with start(scenario) as sim, tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
            grade = Path(tmp) / "grade.json"
            extra = _external_args(sim, wait) + (["--collect-only"] if collect_only else [])
            before = len(sim.state.log) if sim.state else 0
            wall = _timed(_pytest_command(labs, grade, extra), dict(os.environ))
            requests = (len(sim.state.log) if sim.state else 0) - before
            outcomes = _outcomes(grade)
    finally:
        del os.environ[LATENCY_ENV]
    return {"wall": wall, "requests": requests, "outcomes": outcomes}


def baseline_once(scenario: str, latency: float, kubectl: str) -> dict[str, Any]:
    """The lab's manual checks with kubectl + curl against the same scenario and latency."""
    os.environ[LATENCY_ENV] = str(latency)
    try:
        with start(scenario) as sim, tempfile.TemporaryDirectory() as cache:
            ports = sim.nodeport_map
            env = {
                **os.environ,
                "KUBECONFIG": str(sim.kubeconfig),
                "KUBECTL": f"{kubectl} --cache-dir {cache}",
                "NODE": "127.0.0.1",
                "GRAFANA_PORT": str(ports.get(30080, 30080)),
                "JAEGER_PORT": str(ports.get(30081, 30081)),
                "APP_PORT": str(ports.get(30082, 30082)),
            }
            # Warm kubectl's discovery cache first: a student's second check has it warm.
            subprocess.run(
                [kubectl, "--cache-dir", cache, "api-resources"], env=env, capture_output=True
            )
            before = len(sim.state.log) if sim.state else 0
            started = time.perf_counter()
            subprocess.run(
                ["bash", str(BENCH / "baseline.sh")], env=env, capture_output=True, check=False
            )
            wall = time.perf_counter() - started
            requests = (len(sim.state.log) if sim.state else 0) - before
    finally:
        del os.environ[LATENCY_ENV]
    return {"wall": wall, "requests": requests}


def terminal_pod(scenario: str) -> tuple[str, str] | None:
    """(namespace, label selector) of a pod stuck in a terminal waiting state, if any."""
    for pod in load_scenario(scenario).of_kind("Pod"):
        for status in (pod.get("status") or {}).get("containerStatuses") or []:
            reason = ((status.get("state") or {}).get("waiting") or {}).get("reason")
            if reason in FATAL_WAITING_REASONS:
                labels = dict((pod.get("metadata") or {}).get("labels") or {})
                labels.pop("pod-template-hash", None)
                selector = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
                return str(pod["metadata"].get("namespace", "default")), selector
    return None


def kubectl_wait_once(scenario: str, latency: float, kubectl: str, timeout: int) -> dict[str, Any]:
    """How long ``kubectl wait --for=condition=ready`` takes to say anything about it."""
    target = terminal_pod(scenario)
    os.environ[LATENCY_ENV] = str(latency)
    try:
        with start(scenario) as sim:
            env = {**os.environ, "KUBECONFIG": str(sim.kubeconfig)}
            if target is None:  # fallback scenario without a pod: wait for the nodes
                args = ["wait", "--for=condition=Ready", "node", "--all"]
            else:
                namespace, selector = target
                args = ["wait", "--for=condition=ready", "pod", "-n", namespace, "-l", selector]
            started = time.perf_counter()
            done = subprocess.run(
                [kubectl, *args, f"--timeout={timeout}s"], env=env, capture_output=True, text=True
            )
            wall = time.perf_counter() - started
    finally:
        del os.environ[LATENCY_ENV]
    return {"wall": wall, "rc": done.returncode, "command": "kubectl " + " ".join(args)}


def collect_only_cost(reps: int) -> dict[str, float]:
    """``pytest --collect-only`` of a one-test project, plugin on and off, interleaved.

    Wall time (minimum) and CPU time of the process (user + system, median): on a
    shared machine the CPU time is the steadier measure, and ``plugin_cost`` (what
    installing pytest-kubelab adds to an unrelated project) is its difference.
    """
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_x.py").write_text("def test_x():\n    pass\n")
        walls: dict[str, list[float]] = {"with_plugin": [], "without_plugin": []}
        cpus: dict[str, list[float]] = {"with_plugin": [], "without_plugin": []}
        for _ in range(reps):
            for label, extra in (
                ("with_plugin", NO_DEV),
                ("without_plugin", [*NO_DEV, "-p", "no:kubelab"]),
            ):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "pytest", "--collect-only", "-q", *extra, tmp],
                    cwd=tmp,
                    capture_output=True,
                    check=False,
                )
                walls[label].append(time.perf_counter() - started)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpus[label].append(
                    after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
                )
    result = {label: min(values) for label, values in walls.items()}
    for label, values in cpus.items():
        result[f"{label}_cpu"] = statistics.median(values)
    result["plugin_cost"] = result["with_plugin_cpu"] - result["without_plugin_cpu"]
    return result


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    walls = [r["wall"] for r in runs]
    summary = {"min": min(walls), "median": statistics.median(walls), "reps": len(walls)}
    for key in ("requests", "outcomes", "rc", "command"):
        if key in runs[-1]:
            summary[key] = runs[-1][key]
    return summary


def pick_terminal_scenario(names: list[str]) -> tuple[str, str]:
    """The observability helper's ImagePullBackOff scenario, else a terminal fallback."""
    for name in names:
        if "imagepull" in name.replace("-", "").lower():
            return name, "ImagePullBackOff scenario"
    for name in names:
        if terminal_pod(name) is not None:
            return name, "first scenario with a terminal pod (no *imagepull* scenario yet)"
    return "worker-notready", "fallback: terminal NotReady node (no pod scenario yet)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--kubectl", default=shutil.which("kubectl") or "kubectl")
    parser.add_argument("--wait-timeout", type=int, default=30)
    args = parser.parse_args()
    # The simulator serves the scenarios of the repository's labs (they live in the lab
    # folders, not in the package).
    use_lab_folders(spec.parent for spec in spec_paths_for([REPO / "tests"]))
    names = available_scenarios()
    terminal, terminal_note = pick_terminal_scenario(names)
    load_before = os.getloadavg()

    compileall.compile_dir(str(REPO / "plugin" / "pytest_kubelab"), quiet=1)
    like_for_like: list[dict[str, Any]] = []
    startup: list[dict[str, Any]] = []
    baseline_runs: list[dict[str, Any]] = []
    for _ in range(args.reps):  # interleaved, so machine load falls on both alike
        like_for_like.append(kubelab_external_once("complete", LABS, args.latency_ms, 60))
        baseline_runs.append(baseline_once("complete", args.latency_ms, args.kubectl))
        startup.append(kubelab_external_once("complete", LABS, args.latency_ms, 60, True))
    rows: dict[str, Any] = {"complete, both labs, external simulator": summarise(like_for_like)}
    for label, scenario, labs in (
        ("complete, both labs, --lab-sim", "complete", LABS),
        ("fresh, both labs, --lab-sim", "fresh", LABS),
        (f"{terminal}, both labs, --lab-sim", terminal, LABS),
    ):
        runs = [kubelab_once(scenario, labs, args.latency_ms, 60) for _ in range(args.reps)]
        rows[label] = summarise(runs)
    baseline = summarise(baseline_runs)
    startup_summary = summarise(startup)
    wait = kubectl_wait_once(terminal, args.latency_ms, args.kubectl, args.wait_timeout)
    collect = collect_only_cost(4 * args.reps)

    complete = rows["complete, both labs, external simulator"]
    in_process = rows["complete, both labs, --lab-sim"]
    speedup = baseline["median"] / complete["median"]
    results = {
        "machine": {
            "uname": " ".join(platform.uname()),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_before": load_before,
            "load_average_after": os.getloadavg(),
            "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
        },
        "kubectl": kubectl_version(args.kubectl),
        "latency_ms": args.latency_ms,
        "kubelab": rows,
        "startup_complete": startup_summary,
        "startup_share_median": startup_summary["median"] / complete["median"],
        "baseline_complete": baseline,
        "speedup_vs_baseline_median": speedup,
        "speedup_vs_baseline_median_lab_sim": baseline["median"] / in_process["median"],
        "terminal_scenario": {"name": terminal, "note": terminal_note},
        "kubectl_wait": wait,
        "collect_only": collect,
        "targets": {
            "complete_both_labs_le_3s": complete["median"] <= 3.0,
            "ge_2x_faster_than_baseline": speedup >= 2.0,
            "le_120_api_requests": complete["requests"] <= 120,
            "terminal_verdict_le_3s": rows[f"{terminal}, both labs, --lab-sim"]["median"] <= 3.0,
            "plugin_adds_le_50ms_to_collect_only": collect["plugin_cost"] <= 0.05,
        },
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"latency {args.latency_ms:g} ms/request, {args.reps} reps, {results['machine']}")
    print(f"kubectl: {results['kubectl']}")
    print(f"{'run':52} {'min s':>7} {'median s':>9} {'API req':>8}  outcomes")
    for label, row in rows.items():
        print(
            f"{'kubelab ' + label:52} {row['min']:7.2f} {row['median']:9.2f} "
            f"{row['requests']:8d}  {row['outcomes']}"
        )
    print(
        f"{'  start-up (same run, --collect-only)':52} {startup_summary['min']:7.2f} "
        f"{startup_summary['median']:9.2f} {'':8}  "
        f"{results['startup_share_median']:.0%} of the run"
    )
    print(
        f"{'baseline.sh (kubectl+curl), complete':52} {baseline['min']:7.2f} "
        f"{baseline['median']:9.2f} {baseline['requests']:8d}"
    )
    print(
        f"{wait['command'] + ' --timeout=' + str(args.wait_timeout) + 's':52} "
        f"{wait['wall']:7.2f} {'':9} {'':8}  rc={wait['rc']}"
    )
    print(
        f"speed-up vs baseline (median, like for like): {speedup:.2f}x; "
        f"with --lab-sim: {results['speedup_vs_baseline_median_lab_sim']:.2f}x"
    )
    print(f"terminal scenario: {terminal} ({terminal_note})")
    print(
        f"pytest --collect-only, one-test project: {collect['with_plugin']:.3f}s with the "
        f"plugin, {collect['without_plugin']:.3f}s without (wall, min); CPU "
        f"{collect['with_plugin_cpu']:.3f}s vs {collect['without_plugin_cpu']:.3f}s (median): "
        f"the plugin adds {collect['plugin_cost'] * 1000:.0f} ms"
    )
    print("targets:", json.dumps(results["targets"]))


def kubectl_version(kubectl: str) -> str:
    """The client version line kubectl prints, e.g. ``Client Version: v1.33.9``."""
    done = subprocess.run(
        [kubectl, "version", "--client"], capture_output=True, text=True, check=False
    )
    first = (done.stdout or done.stderr).splitlines()
    return f"{Path(kubectl).name}: {first[0] if first else 'unknown'}"  # no machine paths


if __name__ == "__main__":
    main()
