"""Step 3: loki-stack installed, Loki and its volume ready, the log agent on every node,
the Loki datasource working in Grafana, and logs arriving."""

import pytest
from pytest_kubelab.checks import loki_stack


@pytest.mark.checkpoint("obs.3.release")
def test_release(lab):
    lab.require(loki_stack.release)


@pytest.mark.checkpoint("obs.3.loki-ready")
def test_loki_ready(lab):
    lab.require(loki_stack.loki_ready)


@pytest.mark.checkpoint("obs.3.promtail")
def test_promtail(lab):
    lab.require(loki_stack.promtail)


@pytest.mark.checkpoint("obs.3.grafana-loki-datasource")
def test_grafana_loki_datasource(lab):
    lab.require(loki_stack.grafana_loki_datasource)


@pytest.mark.checkpoint("obs.3.logs-flowing")
def test_logs_flowing(lab):
    lab.require(loki_stack.logs_flowing)
