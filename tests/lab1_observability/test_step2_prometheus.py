"""Step 2: kube-prometheus-stack installed and Ready, Grafana on NodePort 30080 with a
working login, Prometheus scraping, and Grafana's datasource and dashboards."""

import pytest
from pytest_kubelab.checks import prometheus_stack


@pytest.mark.checkpoint("obs.2.release")
def test_release(lab):
    lab.require(prometheus_stack.release)


@pytest.mark.checkpoint("obs.2.workloads")
def test_workloads(lab):
    lab.require(prometheus_stack.workloads)


@pytest.mark.checkpoint("obs.2.grafana-nodeport")
def test_grafana_nodeport(lab):
    lab.require(prometheus_stack.grafana_nodeport)


@pytest.mark.checkpoint("obs.2.grafana-login")
def test_grafana_login(lab):
    lab.require(prometheus_stack.grafana_login)


@pytest.mark.checkpoint("obs.2.prometheus-targets")
def test_prometheus_targets(lab):
    lab.require(prometheus_stack.prometheus_targets)


@pytest.mark.checkpoint("obs.2.dashboards")
def test_dashboards(lab):
    lab.require(prometheus_stack.dashboards)
