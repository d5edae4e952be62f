"""Step 1: the kind cluster lab-cluster with 1 control-plane and 2 workers, all Ready."""

import pytest
from pytest_kubelab.checks import cluster


@pytest.mark.checkpoint("cost.1.cluster-reachable")
def test_cluster_reachable(lab):
    lab.require(cluster.cluster_reachable)


@pytest.mark.checkpoint("cost.1.nodes")
def test_nodes(lab):
    lab.require(cluster.node_roles)


@pytest.mark.checkpoint("cost.1.nodes-ready")
def test_nodes_ready(lab):
    lab.require(cluster.nodes_ready)
