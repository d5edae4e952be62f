#!/usr/bin/env python3
"""Benchmark pytest-kubelab against the lab's own kubectl/curl checks, on the simulator.

Usage (from the repository root, with the package installed)::

    python bench/run.py [--reps 5] [--latency-ms 20] [--kubectl /usr/bin/kubectl]

Every API request of the simulated API server is delayed by ``--latency-ms`` (a real
kind API server answers in about 5-30 ms; the simulator in well under 1 ms). For each
graded scenario it runs the real lab spec (``tests/lab1_*``) in a fresh ``pytest``
process, ``--reps`` times, and reports the minimum and median wall time and the API
request count from the simulator's log. The baseline is ``bench/baseline.sh`` (the
lab's ✅ 검증 commands with the machine's kubectl and curl) against a simulator
serving the same scenario with the same latency. Prints a table and writes
``bench/results.json``. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pytest_kubelab.podstatus import FATAL_WAITING_REASONS
from pytest_kubelab.sim.runtime import LATENCY_ENV, REQUEST_LOG_ENV, start
from pytest_kubelab.sim.scenario import available_scenarios, load_scenario

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
LABS = ("lab1_observability", "lab1_kubecost")
NO_DEV = ["-p", "no:hypothesispytest"]


def kubelab_once(scenario: str, labs: Sequence[str], latency: float, wait: float) -> dict[str, Any]:
    """One grading run in a fresh process: wall time, API requests, outcome counts."""
    with tempfile.TemporaryDirectory(prefix="kubelab-bench-") as tmp:
        log, grade = Path(tmp) / "requests.json", Path(tmp) / "grade.json"
        env = {**os.environ, LATENCY_ENV: str(latency), REQUEST_LOG_ENV: str(log)}
        command = [
            sys.executable,
            "-m",
            "pytest",
            *(str(REPO / "tests" / lab) for lab in labs),
            "--lab-sim",
            scenario,
            "--lab-wait",
            str(wait),
            "--grade-json",
            str(grade),
            "-q",
            "-p",
            "no:cacheprovider",
            # hypothesis (a [test] extra, absent from a student's install) costs ~2 s of
            # imports through its pytest plugin; measure what a student runs.
            "-p",
            "no:hypothesispytest",
        ]
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, env=env, capture_output=True, check=False)
        wall = time.perf_counter() - started
        requests = json.loads(log.read_text()) if log.exists() else []
        outcomes: dict[str, int] = {}
        if grade.exists():
            for entry in json.loads(grade.read_text())["checkpoints"]:
                outcomes[entry["outcome"]] = outcomes.get(entry["outcome"], 0) + 1
    return {"wall": wall, "requests": len(requests), "outcomes": outcomes}


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
    """Wall time of ``pytest --collect-only`` on a one-test project, plugin on and off."""
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "test_x.py").write_text("def test_x():\n    pass\n")
        times: dict[str, list[float]] = {"with_plugin": [], "without_plugin": []}
        for _ in range(reps):
            for label, extra in (
                ("with_plugin", NO_DEV),
                ("without_plugin", [*NO_DEV, "-p", "no:kubelab"]),
            ):
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "pytest", "--collect-only", "-q", *extra, tmp],
                    cwd=tmp,
                    capture_output=True,
                    check=False,
                )
                times[label].append(time.perf_counter() - started)
    return {label: min(values) for label, values in times.items()}


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
    names = available_scenarios()
    terminal, terminal_note = pick_terminal_scenario(names)

    rows: dict[str, Any] = {}
    for label, scenario, labs in (
        ("complete, both labs", "complete", LABS),
        ("fresh, both labs", "fresh", LABS),
        (f"{terminal}, both labs", terminal, LABS),
    ):
        runs = [kubelab_once(scenario, labs, args.latency_ms, 60) for _ in range(args.reps)]
        rows[label] = summarise(runs)
    baseline = summarise(
        [baseline_once("complete", args.latency_ms, args.kubectl) for _ in range(args.reps)]
    )
    wait = kubectl_wait_once(terminal, args.latency_ms, args.kubectl, args.wait_timeout)
    collect = collect_only_cost(args.reps)

    complete = rows["complete, both labs"]
    results = {
        "machine": {
            "uname": " ".join(platform.uname()),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
        },
        "latency_ms": args.latency_ms,
        "kubelab": rows,
        "baseline_complete": baseline,
        "speedup_vs_baseline_median": baseline["median"] / complete["median"],
        "terminal_scenario": {"name": terminal, "note": terminal_note},
        "kubectl_wait": wait,
        "collect_only": collect,
        "targets": {
            "complete_both_labs_le_3s": complete["median"] <= 3.0,
            "ge_2x_faster_than_baseline": baseline["median"] / complete["median"] >= 2.0,
            "le_120_api_requests": complete["requests"] <= 120,
            "terminal_verdict_le_3s": rows[f"{terminal}, both labs"]["median"] <= 3.0,
        },
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=2) + "\n")

    print(f"latency {args.latency_ms:g} ms/request, {args.reps} reps, {results['machine']}")
    print(f"{'run':44} {'min s':>7} {'median s':>9} {'API req':>8}  outcomes")
    for label, row in rows.items():
        print(
            f"{'kubelab ' + label:44} {row['min']:7.2f} {row['median']:9.2f} "
            f"{row['requests']:8d}  {row['outcomes']}"
        )
    print(
        f"{'baseline.sh (kubectl+curl), complete':44} {baseline['min']:7.2f} "
        f"{baseline['median']:9.2f} {baseline['requests']:8d}"
    )
    print(
        f"{wait['command'] + ' --timeout=' + str(args.wait_timeout) + 's':44} "
        f"{wait['wall']:7.2f} {'':9} {'':8}  rc={wait['rc']}"
    )
    print(f"speed-up vs baseline (median): {results['speedup_vs_baseline_median']:.2f}x")
    print(f"terminal scenario: {terminal} ({terminal_note})")
    print(
        f"pytest --collect-only, one-test project: {collect['with_plugin']:.2f}s with the "
        f"plugin, {collect['without_plugin']:.2f}s without"
    )
    print("targets:", json.dumps(results["targets"]))


if __name__ == "__main__":
    main()
