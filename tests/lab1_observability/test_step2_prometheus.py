"""Step 2: kube-prometheus-stack installed and Ready, Grafana on NodePort 30080 with a
working login, Prometheus scraping, and Grafana's datasource and dashboards."""

import pytest
from pytest_kubelab import expect
from pytest_kubelab.checks import prometheus_stack


@pytest.mark.checkpoint("obs.2.release")
def test_release(lab):
    """kube-prometheus-stack installed: Helm release prometheus is deployed in monitoring."""
    release = lab.expected["prometheus_stack"]
    namespace = lab.expected["namespace"]
    lab.require(expect.helm_release_deployed(namespace, release["release"], release["install"]))


@pytest.mark.checkpoint("obs.2.workloads")
def test_workloads(lab):
    """Every component of the stack is Ready; node-exporter runs on every node."""
    lab.require(prometheus_stack.workloads)


@pytest.mark.checkpoint("obs.2.grafana-nodeport")
def test_grafana_nodeport(lab):
    """Service prometheus-grafana is NodePort 30080 and /api/health says database ok."""
    lab.require(prometheus_stack.grafana_nodeport)


@pytest.mark.checkpoint("obs.2.grafana-login")
def test_grafana_login(lab):
    """Grafana accepts the admin user and password stored in its Secret."""
    lab.require(prometheus_stack.grafana_login)


@pytest.mark.checkpoint("obs.2.prometheus-targets")
def test_prometheus_targets(lab):
    """Prometheus scrapes node-exporter and the kubelets successfully (up == 1)."""
    lab.require(prometheus_stack.prometheus_targets)


@pytest.mark.checkpoint("obs.2.dashboards")
def test_dashboards(lab):
    """Grafana has a working Prometheus datasource and the stack's default dashboards."""
    lab.require(prometheus_stack.dashboards)
