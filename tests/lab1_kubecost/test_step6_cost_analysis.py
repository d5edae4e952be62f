"""Step 6: cost per namespace from Kubecost, pod usage, and right-sizing."""

import pytest
from pytest_kubelab.checks import costs, metrics_server


@pytest.mark.checkpoint("cost.6.allocation-api")
def test_allocation_api(lab):
    """/model/allocation?window=7d&aggregate=namespace has costs for the three namespaces."""
    lab.require(costs.allocation_api)


@pytest.mark.checkpoint("cost.6.pod-usage")
def test_pod_usage(lab):
    """The metrics API returns usage for the lab Deployment's pods in production."""
    lab.require(metrics_server.pod_usage_check)


@pytest.mark.checkpoint("cost.6.rightsizing")
def test_rightsizing(lab):
    """Requests vs average usage per lab Deployment, with the lab's suggested resources."""
    lab.require(costs.rightsizing)
