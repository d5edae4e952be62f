"""Checks: one function per kind of checkpoint, each ``(lab) -> Verdict``.

Checks only read. They return ``PENDING`` while something is still starting and
``FAIL`` as soon as waiting cannot help, so a broken cluster is graded fast.
"""
