"""``--lab-provision``: the reference solution, performed by the suite before it grades.

Grading stays read-only; everything that creates or changes cluster state lives in
this package and only runs when ``--lab-provision`` is given.
"""
