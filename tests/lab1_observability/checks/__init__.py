"""Checks only the observability lab needs, one module per system it installs.

Each function takes what it asserts as arguments (names, namespace, ports, counts: the
tests pass the values of ``lab.yaml``) and returns a check, a callable ``Lab -> Verdict``
for ``lab.require``. Checks only read. They return ``PENDING`` while something is still
starting and ``FAIL`` as soon as waiting cannot help, so a broken cluster is graded fast.
Their messages are this folder's ``messages.yaml`` (keys ``obs.*``).
"""
