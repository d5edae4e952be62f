"""The grading machinery is set up on demand, and still whenever checkpoint tests run.

``pytest_configure`` sets it up when the command line names a lab (``--lab-sim``, a
``--grade-json``, or a path governed by a ``lab.yaml``). A path that hides the labs two
folders down (``pytest .`` at the project root) is only found at collection: the run must
grade exactly the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_kubelab.sim.runtime import start


def test_labs_found_only_at_collection_are_graded(
    pytester: pytest.Pytester, lab_copy: Path
) -> None:
    with start("complete") as sim:
        ports = ",".join(f"{node}=127.0.0.1:{port}" for node, port in sim.nodeport_map.items())
        result = pytester.runpytest_subprocess(
            str(lab_copy),  # the labs are in tests/lab1_*/: not named by this argument
            f"--kubeconfig={sim.kubeconfig}",
            "--node-address=127.0.0.1",
            f"--nodeport-map={ports}",
            "--lab-wait=5",
            "--lab-lang=en",
            "-p",
            "no:cacheprovider",
        )
    result.assert_outcomes(passed=41)
    result.stdout.fnmatch_lines(["*67/67*"])
