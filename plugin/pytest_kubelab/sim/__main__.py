"""``python -m pytest_kubelab.sim SCENARIO``: serve a scenario until Ctrl-C.

Prints the kubeconfig path and NodePort map, so ``kubectl --kubeconfig …`` and
``curl`` can be pointed at the simulated cluster by hand.
"""

from __future__ import annotations

import argparse
import json
import time

from .runtime import start
from .scenario import available_scenarios


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m pytest_kubelab.sim")
    parser.add_argument("scenario", choices=available_scenarios())
    parser.add_argument(
        "--latency-ms", type=float, default=None, help="Injected per-request latency"
    )
    args = parser.parse_args()
    with start(args.scenario) as sim:
        if args.latency_ms is not None:
            sim.scenario.faults["latency_ms"] = args.latency_ms
        print(
            json.dumps(
                {
                    "kubeconfig": str(sim.kubeconfig),
                    "server": sim.server_url,
                    "nodeports": sim.nodeport_map,
                }
            ),
            flush=True,
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
