"""Build fixtures of the observability lab: one per step of ``provision.yaml``.

Each step's tests request their step (``pytestmark`` at the top of each test file). With
``--lab-provision`` the first request builds that step, and the ones before it, from
``provision.yaml`` (the reference solution), once for the session; when grading a
student's cluster they run nothing. What each step installs is written once, in
``provision.yaml``; these fixtures only give the steps names.
"""

import pytest


@pytest.fixture
def lab_cluster(lab_step):
    """Step 1: the kind cluster of provision.yaml ``cluster:`` (created through pytest-kind-ng)."""
    return lab_step(1)


@pytest.fixture
def prometheus_stack(lab_step):
    """Step 2: the kube-prometheus-stack Helm release, with the lab's values."""
    return lab_step(2)


@pytest.fixture
def loki_stack(lab_step):
    """Step 3: the loki-stack Helm release (Loki and Promtail)."""
    return lab_step(3)


@pytest.fixture
def jaeger(lab_step):
    """Step 4: the Jaeger Helm release and the NodePort Service of its query UI."""
    return lab_step(4)


@pytest.fixture
def demo_app(lab_step):
    """Step 5: the demo application's manifests, applied and rolled out."""
    return lab_step(5)
