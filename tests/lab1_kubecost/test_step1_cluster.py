"""Step 1: the kind cluster lab-cluster with 1 control-plane and 2 workers, all Ready."""

import pytest
from pytest_kubelab import expect

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("lab_cluster")


@pytest.mark.checkpoint("cost.1.cluster-reachable")
def test_cluster_reachable(lab):
    """The API server answers ``/version``; a context other than the lab's is pointed out.

    ko: API 서버가 ``/version``에 응답합니다. 채점하는 컨텍스트가 실습의 것이 아니면 그 점을 알려
    줍니다.
    """
    lab.require(expect.api_reachable())


@pytest.mark.checkpoint("cost.1.nodes")
def test_nodes(lab):
    """Exactly 1 control-plane node and 2 worker nodes (kind's node-role labels).

    ko: control-plane 노드 1개와 worker 노드 2개가 정확히 있습니다 (kind의 node-role 라벨 기준).
    """
    nodes = lab.expected["nodes"]
    lab.require(
        expect.node_counts(
            nodes["control_plane"], nodes["workers"], cluster_name=lab.expected["cluster_name"]
        )
    )


@pytest.mark.checkpoint("cost.1.nodes-ready")
def test_nodes_ready(lab):
    """Every node reports Ready; a long-NotReady node fails at once.

    ko: 모든 노드가 Ready 상태입니다. 오랫동안 NotReady 상태인 노드가 있으면 기다리지 않고 바로
    실패합니다.
    """
    lab.require(expect.nodes_ready())
