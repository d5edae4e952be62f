"""Step 1: the kind cluster lab-cluster with 1 control-plane and 2 workers, all Ready."""

import pytest
from pytest_kubelab.checks import cluster


@pytest.mark.checkpoint("obs.1.cluster-reachable")
def test_cluster_reachable(lab):
    """The API server answers ``/version``; a context other than the lab's is pointed out."""
    lab.require(cluster.cluster_reachable)


@pytest.mark.checkpoint("obs.1.nodes")
def test_nodes(lab):
    """Exactly the expected number of control-plane and worker nodes."""
    lab.require(cluster.node_roles)


@pytest.mark.checkpoint("obs.1.nodes-ready")
def test_nodes_ready(lab):
    """Every node reports Ready; a long-NotReady node fails at once."""
    lab.require(cluster.nodes_ready)
