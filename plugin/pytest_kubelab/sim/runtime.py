"""Start and stop a whole simulated lab cluster: API server, NodePorts, kubeconfig."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .apiserver import SimState, serve
from .nodeports import NodePortStandIns, refusing_port
from .scenario import Scenario, load_scenario
from .timeline import TimelinePlayer

# A recognisable fake credential: leak self-tests look for it in everything a run writes.
SIM_TOKEN = "kubelab-sim-token-2f6c1d9e8b7a4c3f"

# When set, a stopping simulation writes its request log there as JSON, so a self-test
# can prove from outside an inner pytest run that grading only ever sent GETs.
REQUEST_LOG_ENV = "KUBELAB_SIM_LOG"
# When set, every API request of the simulation is delayed by this many milliseconds
# (benchmarks: a real API server answers in about 5-30 ms, the simulator in under 1 ms).
LATENCY_ENV = "KUBELAB_SIM_LATENCY_MS"


def write_kubeconfig(path: Path, server: str, context: str) -> None:
    """Write a kubeconfig like kind's, pointing at ``server``."""
    cluster = context.removeprefix("kind-")
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": context, "cluster": {"server": server}}],
        "users": [{"name": context, "user": {"token": SIM_TOKEN}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
        "current-context": context,
        "preferences": {},
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    del cluster


@dataclass
class SimulatedCluster:
    """A running simulated cluster. Use as a context manager, or call :meth:`stop`."""

    scenario: Scenario
    kubeconfig: Path
    server_url: str
    state: SimState | None
    nodeports: NodePortStandIns
    _cleanup: list[object] = field(default_factory=list)

    @property
    def nodeport_map(self) -> dict[int, int]:
        return dict(self.nodeports.mapping)

    @property
    def request_log(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in (self.state.log if self.state else [])]

    def write_request_log(self, path: Path) -> None:
        """Write every request the API server saw as ``[{method, path, query}, ...]``."""
        entries = [
            {"method": r.method, "path": r.path, "query": r.query}
            for r in (list(self.state.log) if self.state else [])
        ]
        path.write_text(json.dumps(entries), encoding="utf-8")

    def stop(self) -> None:
        target = os.environ.get(REQUEST_LOG_ENV)
        if target:
            self.write_request_log(Path(target))
        self.nodeports.stop()
        for item in self._cleanup:
            close = getattr(item, "shutdown", None)
            if close:
                close()
                item.server_close()  # type: ignore[attr-defined]
            cleanup = getattr(item, "cleanup", None)
            if cleanup:
                cleanup()

    def __enter__(self) -> SimulatedCluster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(name: str, workdir: Path | None = None) -> SimulatedCluster:
    """Load scenario ``name`` and serve it; the kubeconfig goes to a temporary folder."""
    scenario = load_scenario(name)
    latency = os.environ.get(LATENCY_ENV)
    if latency:
        scenario.faults["latency_ms"] = float(latency)
    cleanup: list[object] = []
    if workdir is None:
        tmp = tempfile.TemporaryDirectory(prefix="kubelab-sim-")
        cleanup.append(tmp)
        workdir = Path(tmp.name)
    if scenario.faults.get("unreachable"):
        server_url, state = f"http://127.0.0.1:{refusing_port()}", None
    else:
        server, state = serve(scenario)
        cleanup.insert(0, server)
        server_url = f"http://127.0.0.1:{server.server_address[1]}"
    kubeconfig = workdir / "kubeconfig"
    write_kubeconfig(kubeconfig, server_url, scenario.context)
    nodeports = NodePortStandIns(scenario)
    timeline = TimelinePlayer(scenario, on_change=nodeports.open_ready)
    cleanup.insert(0, timeline)  # stopped first: no step lands on a stopping cluster
    timeline.start()
    return SimulatedCluster(scenario, kubeconfig, server_url, state, nodeports, cleanup)
