"""``python -m pytest_kubelab.sim SCENARIO [LAB_PATH ...]``: serve a scenario until Ctrl-C.

Prints the kubeconfig path and NodePort map, so ``kubectl --kubeconfig …`` and
``curl`` can be pointed at the simulated cluster by hand. Scenarios belong to lab
folders, found as ``pytest`` finds them: the lab a path is in, or the lab folders
directly inside it (default: ``tests``, else the current folder).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from ..labdetect import spec_paths_for
from .runtime import start
from .scenario import ScenarioError, available_scenarios, use_lab_folders


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_kubelab.sim",
        description="Serve a simulated lab cluster until Ctrl-C.",
    )
    parser.add_argument("scenario", help="a scenario name (a file in a lab's scenarios/)")
    parser.add_argument(
        "labs",
        nargs="*",
        type=Path,
        help="lab folders, or folders holding them (default: tests, else the current folder)",
    )
    parser.add_argument(
        "--latency-ms", type=float, default=None, help="Injected per-request latency"
    )
    args = parser.parse_args(argv)
    paths = args.labs or [Path("tests") if Path("tests").is_dir() else Path(".")]
    specs = spec_paths_for(paths)
    if not specs:
        parser.error(f"no lab.yaml in or directly under {', '.join(map(str, paths))}")
    try:
        use_lab_folders(spec.parent for spec in specs)
    except ScenarioError as exc:
        parser.error(str(exc))
    if args.scenario not in available_scenarios():
        parser.error(
            f"unknown scenario {args.scenario!r}; these labs have: "
            f"{', '.join(available_scenarios())}"
        )
    with start(args.scenario) as sim:
        if args.latency_ms is not None:
            sim.scenario.faults["latency_ms"] = args.latency_ms
        print(
            json.dumps(
                {
                    "kubeconfig": str(sim.kubeconfig),
                    "server": sim.server_url,
                    # The Services' nodePorts. Every other port of the NodePort range is
                    # mapped to one local port where connections are refused.
                    "nodeports": sim.nodeports.of_services,
                    "other_nodeports": sim.nodeports.unserved,
                }
            ),
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
