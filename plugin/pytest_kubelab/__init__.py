"""pytest-kubelab: the executable spec and autograder of "Week 4 Day 5 Lab 1".

Importing this package touches no cluster; everything that talks to Kubernetes
lives behind session fixtures that only run when a lab test asks for them.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
