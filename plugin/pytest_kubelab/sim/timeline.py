"""Scenario timelines: a simulated cluster that changes while it runs.

A scenario's top-level ``timeline`` is a list of steps. Each step names how many
seconds after the simulator started it happens, and then changes the scenario
with the keys a scenario file itself uses (``patch``, ``remove``, ``items``,
``logs``, ``apps``, ``faults``)::

    timeline:
      - after_seconds: 8
        patch:
          - kind: Pod
            name: web-5d7f9c6b8-k8x2p
            namespace: shop
            merge: {status: {phase: Running}}

When a step is due, the scenario is rebuilt from its file plus every step due so
far, as if those steps had been written at the end of the file: derived
Endpoints follow pods that became Ready, and a NodePort whose Service gains
ready endpoints starts answering. A step that does not apply (a patch of an
object the scenario lacks) is an error when the scenario is loaded, not
halfway through a run. Steps never undo each other on their own: to make
something break again, write a later step that patches it back.

The simulator stays read-only: a timeline is the simulated cluster's own
controllers at work (pods being created, images being pulled), never a
reaction to a request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .scenario import Scenario

# The scenario-file keys a timeline step may use.
STEP_KEYS = frozenset({"patch", "remove", "items", "logs", "apps", "faults"})


@dataclass(frozen=True)
class TimelineStep:
    """One change of a running scenario, due ``after_seconds`` after the simulator started."""

    after_seconds: float
    layer: Mapping[str, Any]  # the scenario-file keys of the change (see STEP_KEYS)


def parse_timeline(raw: Any, where: str) -> tuple[TimelineStep, ...]:
    """Read a scenario's ``timeline`` list, in time order; raises ``ValueError`` on bad shapes.

    (The scenario loader turns the ``ValueError`` into a ``ScenarioError`` naming the file.)
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError(f"{where}: timeline must be a list of steps")
    steps = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: timeline[{index}] must be a mapping")
        seconds = entry.get("after_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"{where}: timeline[{index}] needs after_seconds >= 0")
        unknown = set(entry) - STEP_KEYS - {"after_seconds"}
        if unknown:
            raise ValueError(
                f"{where}: timeline[{index}] has unknown keys {sorted(unknown)}; "
                f"a step may use {sorted(STEP_KEYS)}"
            )
        layer = {key: value for key, value in entry.items() if key in STEP_KEYS}
        steps.append(TimelineStep(float(seconds), layer))
    return tuple(sorted(steps, key=lambda step: step.after_seconds))


def layers(steps: Sequence[TimelineStep]) -> list[Mapping[str, Any]]:
    """The scenario-file layers of ``steps``, in order."""
    return [step.layer for step in steps]


class TimelinePlayer:
    """Plays a scenario's timeline onto the live scenario, in a daemon thread.

    The live :class:`~pytest_kubelab.sim.scenario.Scenario` object is shared by the
    API server and the NodePort stand-ins; each due step replaces its ``objects``,
    ``logs`` and ``apps`` with the rebuilt ones in single attribute assignments, so a
    request being answered sees either the state before the step or the one after,
    never half of it. ``on_change`` runs after every step (it opens NodePorts).
    """

    def __init__(self, scenario: Scenario, on_change: Callable[[], None]) -> None:
        self.scenario = scenario
        self.on_change = on_change
        self.applied = 0  # how many steps are in effect
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the clock now (nothing happens for a scenario without a timeline)."""
        if not self.scenario.timeline or self._thread is not None:
            return
        started = time.monotonic()
        self._thread = threading.Thread(
            target=self._play, args=(started,), name="kubelab-sim-timeline", daemon=True
        )
        self._thread.start()

    def _play(self, started: float) -> None:
        for count, step in enumerate(self.scenario.timeline, start=1):
            if self._stop.wait(max(0.0, started + step.after_seconds - time.monotonic())):
                return
            self.apply(count)

    def apply(self, count: int) -> None:
        """Put the first ``count`` steps in effect on the live scenario."""
        from .scenario import scenario_from_data

        live = self.scenario
        fresh = scenario_from_data(live.name, live.source, layers(live.timeline[:count]))
        live.objects = fresh.objects
        live.logs = fresh.logs
        live.apps = fresh.apps
        # Faults set at start (a latency from the environment) stay unless a step changes them.
        live.faults = {**live.faults, **fresh.faults}
        self.applied = count
        self.on_change()

    def cleanup(self) -> None:
        """Stop the clock (the simulated cluster's ``stop`` calls this)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
