"""The cost lab's own checks, one module per concept; each factory returns a ``Check``.

Every name, namespace and count a check asserts is an argument, so the checkpoint
tests show them with the values of ``lab.yaml``; the messages are this folder's
``messages.yaml`` (``cost.*`` keys).
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
