"""Step 3: the Kubecost release, its pods, its Prometheus and its dashboard."""

import pytest

from .checks import kubecost

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("kubecost_install")


@pytest.mark.checkpoint("cost.3.release")
def test_release(lab):
    """Helm release kubecost (chart cost-analyzer) is deployed in namespace kubecost;
    a failed release (an unpinned 2.9.x) names the pinned version 2.8.7.

    ko: kubecost 네임스페이스의 Helm 릴리스 kubecost(차트 cost-analyzer)가 deployed 상태입니다.
    릴리스가 실패했으면(버전을 고정하지 않아 2.9.x가 설치된 경우) 고정할 버전 2.8.7을 알려 줍니다.
    """
    cost = lab.expected["kubecost"]
    lab.require(
        kubecost.release_deployed(
            cost["namespace"],
            cost["release"],
            install_command=cost["install_command"],
            pinned_version=cost["pinned_version"],
            cost_analyzer=cost["cost_analyzer"],
        )
    )


@pytest.mark.checkpoint("cost.3.workloads")
def test_workloads(lab):
    """Deployments kubecost-cost-analyzer, kubecost-prometheus-server and kubecost-grafana
    are ready (layout of chart 1.x or 2.x); the 3.x layout (kubecost-frontend) fails at once.

    ko: Deployment kubecost-cost-analyzer, kubecost-prometheus-server, kubecost-grafana가 모두
    준비되어 있습니다 (차트 1.x 또는 2.x의 구성). 3.x 구성(kubecost-frontend)이면 기다리지 않고 바로
    실패합니다.
    """
    cost = lab.expected["kubecost"]
    lab.require(
        kubecost.pods_ready(
            cost["namespace"],
            cost["release"],
            cost_analyzer=cost["cost_analyzer"],
            prometheus=cost["prometheus"],
            grafana=cost["grafana"],
            v3_frontend=cost["v3_frontend"],
            pinned_version=cost["pinned_version"],
            containers_by_major=cost["containers_by_major"],
        )
    )


@pytest.mark.checkpoint("cost.3.prometheus")
def test_prometheus(lab):
    """Kubecost's Prometheus (kubecost-prometheus-server:80) answers and carries the
    external label cluster_id=lab-cluster.

    ko: Kubecost의 Prometheus(kubecost-prometheus-server:80)가 응답하고, 외부 라벨
    cluster_id=lab-cluster가 붙어 있습니다.
    """
    cost = lab.expected["kubecost"]
    lab.require(
        kubecost.prometheus_cluster_id(
            cost["namespace"],
            cost["prometheus_service"],
            cost["cluster_id"],
            release=cost["release"],
        )
    )


@pytest.mark.checkpoint("cost.3.ui")
def test_ui(lab):
    """The Kubecost UI (kubecost-cost-analyzer:9090) answers with its HTML page.

    ko: Kubecost UI(kubecost-cost-analyzer:9090)가 HTML 페이지로 응답합니다.
    """
    cost = lab.expected["kubecost"]
    lab.require(
        kubecost.ui_answers_html(cost["namespace"], cost["ui_service"], release=cost["release"])
    )
