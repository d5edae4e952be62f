"""Every typed stash key of the plugin, in one place: what hooks and fixtures share.

The classes named here are imported for type checking only: this module is
loaded by the plugin's entry point in every pytest run, lab or not, and must
not pull in the grading machinery (see :mod:`pytest_kubelab.plugin`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .grading import GradeBook
    from .html_report import HtmlReport
    from .options import LabSettings
    from .provision.build import LabBuild
    from .sessionscope import Scope
    from .simulation import SimulationHandle
    from .spec import Checkpoint, LabSpec

SETTINGS_KEY: pytest.StashKey[LabSettings] = pytest.StashKey()
GRADEBOOK_KEY: pytest.StashKey[GradeBook] = pytest.StashKey()
NODEPORT_MAP_KEY: pytest.StashKey[dict[int, int]] = pytest.StashKey()
CHECKPOINT_KEY: pytest.StashKey[Checkpoint] = pytest.StashKey()
SPEC_KEY: pytest.StashKey[LabSpec] = pytest.StashKey()
# The running simulated cluster of --lab-sim (set at session start, stopped at unconfigure).
SIM_KEY: pytest.StashKey[SimulationHandle] = pytest.StashKey()
# Whether this run's lab machinery (grade book, grade file, report hooks) is set up.
LAB_READY_KEY: pytest.StashKey[bool] = pytest.StashKey()
# The HTML report's hooks, when --html writes one here (the grading hook hands it extras).
HTML_REPORT_KEY: pytest.StashKey[HtmlReport] = pytest.StashKey()
# The step and lab markers registered so far in this session.
MARKERS_KEY: pytest.StashKey[set[str]] = pytest.StashKey()
# The --lab-provision build, prepared at collection finish and carried out on demand.
BUILD_KEY: pytest.StashKey[LabBuild] = pytest.StashKey()
# This run's per-run state (redactor, lab messages, spec cache): see sessionscope.
SCOPE_KEY: pytest.StashKey[Scope] = pytest.StashKey()
