"""Checks: one function per kind of checkpoint, each ``(lab) -> Verdict``.

A check only one lab needs belongs in that lab's folder (``<lab folder>/checks/``); what is
here serves any lab and names none of their releases, namespaces or ports.

Checks only read. They return ``PENDING`` while something is still starting and
``FAIL`` as soon as waiting cannot help, so a broken cluster is graded fast.
"""
