"""What a build fixture gives its test: which part of the reference solution it stands for.

Kept apart from :mod:`pytest_kubelab.provision.build` so that grade mode, where build
fixtures only name what they stand for, loads nothing of the build machinery.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuiltStep:
    """A step of the lab's reference solution, as ``lab_step(n)`` returns it.

    ``built`` is True when this run's ``--lab-provision`` built (or found up to date)
    every step up to this one; in grade mode it is False and nothing was run.
    """

    lab: str
    number: int
    title: str
    built: bool


@dataclass(frozen=True)
class BuiltInstallation:
    """An installation of the lab's reference solution, as ``lab_install(name)`` returns it.

    ``fixture`` is the installation's name in ``provision.yaml``. With ``--lab-provision``,
    ``built`` is True once it and everything before it in the recipe are built (or found
    up to date), and ``step`` is its step. In grade mode nothing runs and ``provision.yaml``
    is not read: ``built`` is False and ``step`` is None.
    """

    lab: str
    fixture: str
    step: int | None
    built: bool
