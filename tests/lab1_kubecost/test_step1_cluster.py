"""Step 1: the kind cluster lab-cluster with 1 control-plane and 2 workers, all Ready."""

import pytest
from pytest_kubelab import expect

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("lab_cluster")


@pytest.mark.checkpoint("cost.1.cluster-reachable")
def test_cluster_reachable(lab):
    """The API server answers ``/version``; a context other than the lab's is pointed out."""
    lab.require(expect.api_reachable())


@pytest.mark.checkpoint("cost.1.nodes")
def test_nodes(lab):
    """Exactly 1 control-plane node and 2 worker nodes (kind's node-role labels)."""
    nodes = lab.expected["nodes"]
    lab.require(
        expect.node_counts(
            nodes["control_plane"], nodes["workers"], cluster_name=lab.expected["cluster_name"]
        )
    )


@pytest.mark.checkpoint("cost.1.nodes-ready")
def test_nodes_ready(lab):
    """Every node reports Ready; a long-NotReady node fails at once."""
    lab.require(expect.nodes_ready())
