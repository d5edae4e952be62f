"""Build fixtures of the cost lab: one per step of ``provision.yaml``.

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
def metrics_server(lab_step):
    """Step 2: metrics-server's release manifest, with --kubelet-insecure-tls added for kind."""
    return lab_step(2)


@pytest.fixture
def kubecost_install(lab_step):
    """Step 3: the Kubecost (cost-analyzer) Helm release, with the lab's values."""
    return lab_step(3)


@pytest.fixture
def sample_apps(lab_step):
    """Step 4: the three labelled namespaces and their sample applications."""
    return lab_step(4)


@pytest.fixture
def hpas(lab_step):
    """Step 5: the two HorizontalPodAutoscalers."""
    return lab_step(5)


@pytest.fixture
def cost_analysis(lab_step):
    """Step 6: nothing to install; everything up to step 5 must be in place."""
    return lab_step(6)
