"""Step 3: the Kubecost release, its pods, its Prometheus and its dashboard."""

import pytest
from pytest_kubelab.checks import kubecost


@pytest.mark.checkpoint("cost.3.release")
def test_release(lab):
    """Helm release ``kubecost`` (chart cost-analyzer) is deployed in ``kubecost``."""
    lab.require(kubecost.release)


@pytest.mark.checkpoint("cost.3.workloads")
def test_workloads(lab):
    """cost-analyzer, prometheus-server and grafana are ready (layout of 1.x or 2.x)."""
    lab.require(kubecost.workloads)


@pytest.mark.checkpoint("cost.3.prometheus")
def test_prometheus(lab):
    """Kubecost's Prometheus answers and carries external label cluster_id=lab-cluster."""
    lab.require(kubecost.prometheus)


@pytest.mark.checkpoint("cost.3.ui")
def test_ui(lab):
    """The Kubecost UI (kubecost-cost-analyzer:9090) answers with its HTML page."""
    lab.require(kubecost.ui)
