"""The cost lab's own checks, one module per concept; each factory returns a ``Check``.

Every name, namespace and count a check asserts is an argument, so the checkpoint
tests show them with the values of ``lab.yaml``; the messages are this folder's
``messages.yaml`` (``cost.*`` keys).
"""
