"""Step 3: the Kubecost release, its pods, its Prometheus and its dashboard."""

import pytest

from .checks import kubecost

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("kubecost_install")


@pytest.mark.checkpoint("cost.3.release")
def test_release(lab):
    """Helm release kubecost (chart cost-analyzer) is deployed in namespace kubecost;
    a failed release (an unpinned 2.9.x) names the pinned version 2.8.7."""
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
    are ready (layout of chart 1.x or 2.x); the 3.x layout (kubecost-frontend) fails at once."""
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
    external label cluster_id=lab-cluster."""
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
    """The Kubecost UI (kubecost-cost-analyzer:9090) answers with its HTML page."""
    cost = lab.expected["kubecost"]
    lab.require(
        kubecost.ui_answers_html(cost["namespace"], cost["ui_service"], release=cost["release"])
    )
