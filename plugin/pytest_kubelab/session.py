"""Typed stash keys shared by the plugin's hooks and fixtures."""

from __future__ import annotations

import pytest

from .grading import GradeBook
from .options import LabSettings
from .spec import Checkpoint, LabSpec

SETTINGS_KEY = pytest.StashKey[LabSettings]()
GRADEBOOK_KEY = pytest.StashKey[GradeBook]()
NODEPORT_MAP_KEY = pytest.StashKey[dict[int, int]]()
CHECKPOINT_KEY = pytest.StashKey[Checkpoint]()
SPEC_KEY = pytest.StashKey[LabSpec]()
BLOCKED_BY_KEY = pytest.StashKey[str]()  # the need that did not pass, on a blocked item
