"""Build fixtures of the cost lab: one per installation of ``provision.yaml``.

Each checkpoint test requests the installations its assertion reads (``pytestmark`` at
the top of a test file, or ``@pytest.mark.usefixtures`` on the test). With
``--lab-provision`` the first request builds that installation, and everything before it
in ``provision.yaml`` (the reference solution), once for the session; when grading a
student's cluster they run nothing. What each installation is, is written once, in
``provision.yaml``; these fixtures only give the installations names. Step 6 installs
nothing: its tests request what they read from steps 2-4.
"""

import pytest


@pytest.fixture
def lab_cluster(lab_install):
    """Step 1: the kind cluster of provision.yaml ``cluster:`` (created through pytest-kind-ng)."""
    return lab_install("lab_cluster")


@pytest.fixture
def metrics_server(lab_install):
    """Step 2: metrics-server's release manifest, with --kubelet-insecure-tls added for kind."""
    return lab_install("metrics_server")


@pytest.fixture
def kubecost_install(lab_install):
    """Step 3: the Kubecost (cost-analyzer) Helm release, with the lab's values."""
    return lab_install("kubecost_install")


@pytest.fixture
def lab_namespaces(lab_install):
    """Step 4: namespaces production, staging and development with their labels."""
    return lab_install("lab_namespaces")


@pytest.fixture
def sample_apps(lab_install):
    """Step 4: the three sample Deployments (manifests/deployments.yaml), rolled out."""
    return lab_install("sample_apps")


@pytest.fixture
def hpas(lab_install):
    """Step 5: the two HorizontalPodAutoscalers (manifests/hpa.yaml)."""
    return lab_install("hpas")
