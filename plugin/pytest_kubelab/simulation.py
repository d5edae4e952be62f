"""Glue between ``--lab-sim`` and the simulated cluster."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .options import LabSettings
from .sim.runtime import SimulatedCluster, start


@dataclass
class SimulationHandle:
    """The running simulation and the settings that point the grader at it."""

    cluster: SimulatedCluster
    settings: LabSettings

    @property
    def nodeport_map(self) -> dict[int, int]:
        return self.cluster.nodeport_map

    def stop(self) -> None:
        self.cluster.stop()


def start_simulation(settings: LabSettings) -> SimulationHandle:
    """Start scenario ``settings.sim`` and return settings aimed at it (NodePorts on 127.0.0.1)."""
    assert settings.sim is not None
    cluster = start(settings.sim)
    aimed = replace(
        settings,
        kubeconfig=cluster.kubeconfig,
        context=cluster.scenario.context,
        node_address="127.0.0.1",
    )
    # A fault scenario may model a CI job with a short --lab-deadline (faults.deadline_cap),
    # so that grading it never takes the default 900 s budget.
    cap = cluster.scenario.faults.get("deadline_cap")
    if cap is not None:
        aimed = replace(aimed, deadline=min(aimed.deadline, float(cap)))
    return SimulationHandle(cluster, aimed)
