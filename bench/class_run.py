#!/usr/bin/env python3
"""Benchmark grading a whole class: ``classroom grade`` on simulated students.

Usage (from the repository root, with the package installed)::

    python bench/class_run.py [--students 40] [--jobs 2] [--latency-ms 20]

It starts one simulated cluster per scenario of a mix of complete and failing ones
(several simulator servers at once, every API request delayed by ``--latency-ms``),
gives each of ``--students`` students one of them (round robin) with their own
kubeconfig and NodePort map in a class file, and runs
``python -m pytest_kubelab.classroom grade --class-file … --jobs N`` once. It reports
the wall time, students per minute and the peak memory of the grading processes
(the class command and every pytest under it, summed, sampled every 0.1 s), checks
that students on the same scenario got the same score, and writes
``bench/class-results.json``. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import yaml
from pytest_kubelab.labdetect import spec_paths_for
from pytest_kubelab.sim.runtime import LATENCY_ENV, start
from pytest_kubelab.sim.scenario import use_lab_folders

REPO = Path(__file__).resolve().parents[1]
# Complete and failing clusters, as a class really looks: 3 of 8 pass everything.
MIX = (
    "complete",
    "obs-demo-imagepull",
    "cost-hpa-min",
    "complete",
    "worker-notready",
    "two-nodes",
    "complete",
    "api-unreachable",
)


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def _tree_rss_kib(root: int) -> int:
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
        todo.extend(_children(pid))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=None, help="keep the gradebook here")
    args = parser.parse_args()
    # The simulator serves the scenarios of the repository's labs (they live in the lab
    # folders, not in the package).
    use_lab_folders(spec.parent for spec in spec_paths_for([REPO / "tests"]))
    os.environ[LATENCY_ENV] = str(args.latency_ms)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="kubelab-class-") as tmp:
        work = Path(tmp)
        sims = {name: stack.enter_context(start(name)) for name in dict.fromkeys(MIX)}
        entries: list[dict[str, Any]] = []
        scenario_of: dict[str, str] = {}
        for number in range(1, args.students + 1):
            name = f"student{number:02d}"
            scenario = MIX[(number - 1) % len(MIX)]
            sim = sims[scenario]
            kubeconfig = work / f"{name}.kubeconfig"
            kubeconfig.write_text(sim.kubeconfig.read_text(encoding="utf-8"), encoding="utf-8")
            ports = ",".join(f"{k}=127.0.0.1:{v}" for k, v in sim.nodeport_map.items())
            entry: dict[str, Any] = {"student": name, "kubeconfig": str(kubeconfig)}
            entry["node_address"] = "127.0.0.1"
            if ports:
                entry["nodeport_map"] = ports
            entries.append(entry)
            scenario_of[name] = scenario
        class_file = work / "class.yaml"
        class_file.write_text(yaml.safe_dump(entries), encoding="utf-8")
        out = args.out or work / "out"
        command = [
            sys.executable,
            "-m",
            "pytest_kubelab.classroom",
            "grade",
            "--class-file",
            str(class_file),
            "--out",
            str(out),
            "--jobs",
            str(args.jobs),
            "--",
            # hypothesis (a [test] extra, absent from an instructor's install) costs ~2 s
            # of imports per pytest process through its plugin.
            "-p",
            "no:hypothesispytest",
        ]
        peak = 0
        load_before = os.getloadavg()[0]  # other work on the machine skews the figures
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not stop.is_set():
                peak = max(peak, _tree_rss_kib(process.pid))
                stop.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        output, _ = process.communicate()
        wall = time.perf_counter() - started
        stop.set()
        sampler.join()
        rows = list(csv.DictReader((out / "class.csv").read_text(encoding="utf-8").splitlines()))
    scores: dict[str, set[str]] = {}
    for row in rows:
        scores.setdefault(scenario_of[row["student"]], set()).add(
            f"{row['status']} {row['score']}/{row['max_score']}"
        )
    consistent = all(len(found) == 1 for found in scores.values())
    result = {
        "machine": f"{platform.system()} {platform.release()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}",
        "students": args.students,
        "jobs": args.jobs,
        "simulators": len(sims),
        "latency_ms": args.latency_ms,
        "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "wall_s": round(wall, 2),
        "students_per_minute": round(60 * args.students / wall, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "exit_code": process.returncode,
        "scores_by_scenario": {k: sorted(v) for k, v in scores.items()},
        "same_scenario_same_score": consistent,
    }
    print(output)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    (REPO / "bench" / "class-results.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
