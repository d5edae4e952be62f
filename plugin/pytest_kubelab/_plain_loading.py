"""Imported first by the entry point: Python's own loader imports the rest of the package.

pytest rewrites the asserts of every installed plugin's modules and caches the result
only where it may write bytecode. With ``PYTHONDONTWRITEBYTECODE`` (common in CI and
containers) every pytest run therefore re-parsed and re-compiled all of pytest-kubelab
(about a third of a second of CPU on the benchmark machine), and ignored the bytecode
``pip install`` had compiled. The package grades with
:class:`~pytest_kubelab.verdict.CheckpointFailed`, never with ``assert``, so it loses
nothing; the lab's test files and conftests are still rewritten as usual.
"""

from __future__ import annotations

import sys


def load_without_assertion_rewriting(package: str) -> None:
    """Take ``package`` off the list of modules pytest's import hook rewrites."""
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)  # _pytest.assertion.rewrite's hook
        if isinstance(marked, set):
            marked.discard(package)


load_without_assertion_rewriting(__package__ or "pytest_kubelab")
