"""Step 6: cost per namespace from Kubecost, pod usage, and right-sizing."""

import pytest
from pytest_kubelab.checks import costs, metrics_server


@pytest.mark.checkpoint("cost.6.allocation-api")
def test_allocation_api(lab):
    lab.require(costs.allocation_api)


@pytest.mark.checkpoint("cost.6.pod-usage")
def test_pod_usage(lab):
    lab.require(metrics_server.pod_usage_check)


@pytest.mark.checkpoint("cost.6.rightsizing")
def test_rightsizing(lab):
    lab.require(costs.rightsizing)
