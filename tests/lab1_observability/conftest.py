"""Build fixtures of the observability lab: one per installation of ``provision.yaml``.

Each checkpoint test requests the installations its assertion reads (``pytestmark`` at
the top of a test file, or ``@pytest.mark.usefixtures`` on the test). With
``--lab-provision`` the first request builds that installation, and everything before it
in ``provision.yaml`` (the reference solution), once for the session; when grading a
student's cluster they run nothing. What each installation is, is written once, in
``provision.yaml``; these fixtures only give the installations names.
"""

import pytest


@pytest.fixture
def lab_cluster(lab_install):
    """Step 1: the kind cluster of provision.yaml ``cluster:`` (created through pytest-kind-ng)."""
    return lab_install("lab_cluster")


@pytest.fixture
def prometheus_stack(lab_install):
    """Step 2: the kube-prometheus-stack Helm release, with Grafana on NodePort 30080."""
    return lab_install("prometheus_stack")


@pytest.fixture
def loki_stack(lab_install):
    """Step 3: the loki-stack Helm release (Loki and Promtail), Loki not Grafana's default."""
    return lab_install("loki_stack")


@pytest.fixture
def jaeger(lab_install):
    """Step 4: the Jaeger Helm release (all-in-one)."""
    return lab_install("jaeger")


@pytest.fixture
def jaeger_query_nodeport(lab_install):
    """Step 4: the NodePort Service of Jaeger's query UI (manifests/jaeger-query-nodeport.yaml)."""
    return lab_install("jaeger_query_nodeport")


@pytest.fixture
def demo_app(lab_install):
    """Step 5: the demo application (manifests/demo.yaml), applied and rolled out."""
    return lab_install("demo_app")
