"""``python -m pytest_kubelab.classroom``: see :mod:`pytest_kubelab.classroom`."""

from __future__ import annotations

import sys

from . import main

sys.exit(main())
