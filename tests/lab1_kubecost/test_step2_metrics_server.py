"""Step 2: metrics-server runs, the metrics API is Available, `kubectl top nodes` works."""

import pytest
from pytest_kubelab.checks import metrics_server


@pytest.mark.checkpoint("cost.2.metrics-server")
def test_metrics_server(lab):
    """Deployment kube-system/metrics-server is available (with the kind TLS flag if needed)."""
    lab.require(metrics_server.metrics_server)


@pytest.mark.checkpoint("cost.2.metrics-api")
def test_metrics_api(lab):
    """APIService v1beta1.metrics.k8s.io reports Available=True."""
    lab.require(metrics_server.metrics_api)


@pytest.mark.checkpoint("cost.2.top-nodes")
def test_top_nodes(lab):
    """The metrics API returns CPU and memory usage for every node (``kubectl top nodes``)."""
    lab.require(metrics_server.top_nodes)
