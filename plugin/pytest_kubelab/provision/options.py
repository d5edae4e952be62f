"""Options of ``--lab-provision`` (a store_true flag, so it does not fit ``options._Option``)."""

from __future__ import annotations

import os

import pytest

from ..options import GROUP

ENV_PROVISION = "KUBELAB_PROVISION"
ENV_HELM = "KUBELAB_HELM"
TRUE_WORDS = ("1", "true", "yes", "on")


def add_provision_options(parser: pytest.Parser) -> None:
    """Register ``--lab-provision`` and ``--helm-bin`` in the kubelab group."""
    group = parser.getgroup(GROUP)
    group.addoption(
        "--lab-provision",
        dest="lab_provision",
        action="store_true",
        default=None,
        help="Build the selected lab steps first (the reference solution: kind cluster "
        "of provision.yaml, pinned Helm charts, the lab's manifests), idempotently, then grade "
        "them. Needs kind (PATH or --kind-bin), helm (PATH or --helm-bin) and kubectl (PATH "
        "or --kind-kubectl-bin); --kind-image overrides the pinned node image. A cluster "
        "this run creates is deleted at the end unless --keep-cluster; an existing one is "
        f"reused and never deleted. Without it nothing is ever changed. Env: {ENV_PROVISION}",
    )
    group.addoption(
        "--helm-bin",
        dest="helm_bin",
        metavar="PATH",
        default=None,
        help=f"Helm executable for --lab-provision (default: helm on PATH). Env: {ENV_HELM}",
    )


def provision_requested(config: pytest.Config) -> bool:
    flag = config.getoption("lab_provision", default=None)
    if flag is not None:
        return bool(flag)
    return os.environ.get(ENV_PROVISION, "").strip().lower() in TRUE_WORDS


def helm_bin(config: pytest.Config) -> str | None:
    value = config.getoption("helm_bin", default=None) or os.environ.get(ENV_HELM)
    return str(value) if value else None
