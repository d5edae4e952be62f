"""``python -m pytest_kubelab.classroom``: see :mod:`pytest_kubelab.classroom`."""

from __future__ import annotations

import sys

from . import main

# Guarded: the forkserver that starts the students' runs imports this module by name.
if __name__ == "__main__":
    sys.exit(main())
