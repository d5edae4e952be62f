"""Checks only the observability lab needs, one module per system it installs.

Each function takes what it asserts as arguments (names, namespace, ports, counts: the
tests pass the values of ``lab.yaml``) and returns a check, a callable ``Lab -> Verdict``
for ``lab.require``. Checks only read. They return ``PENDING`` while something is still
starting and ``FAIL`` as soon as waiting cannot help, so a broken cluster is graded fast.
Their messages are this folder's ``messages.yaml`` (keys ``obs.*``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytest_kubelab.expect import Check


def named(check: Check, description: str) -> Check:
    """``check``, described as ``description`` in ``-v`` output and assertion rewriting."""
    check.__doc__ = description
    check.__qualname__ = description
    return check
