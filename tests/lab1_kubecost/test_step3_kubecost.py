"""Step 3: the Kubecost release, its pods, its Prometheus and its dashboard."""

import pytest
from pytest_kubelab.checks import kubecost


@pytest.mark.checkpoint("cost.3.release")
def test_release(lab):
    lab.require(kubecost.release)


@pytest.mark.checkpoint("cost.3.workloads")
def test_workloads(lab):
    lab.require(kubecost.workloads)


@pytest.mark.checkpoint("cost.3.prometheus")
def test_prometheus(lab):
    lab.require(kubecost.prometheus)


@pytest.mark.checkpoint("cost.3.ui")
def test_ui(lab):
    lab.require(kubecost.ui)
