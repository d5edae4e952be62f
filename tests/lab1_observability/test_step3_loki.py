"""Step 3: loki-stack installed, Loki and its volume ready, the log agent on every node,
the Loki datasource working in Grafana, and logs arriving."""

import pytest
from pytest_kubelab import expect
from pytest_kubelab.checks import loki_stack


@pytest.mark.checkpoint("obs.3.release")
def test_release(lab):
    """loki-stack installed: Helm release loki is deployed in monitoring."""
    release = lab.expected["loki"]
    namespace = lab.expected["namespace"]
    lab.require(expect.helm_release_deployed(namespace, release["release"], release["install"]))


@pytest.mark.checkpoint("obs.3.loki-ready")
def test_loki_ready(lab):
    """StatefulSet loki is Ready and its volume claim storage-loki-0 is Bound."""
    lab.require(loki_stack.loki_ready)


@pytest.mark.checkpoint("obs.3.promtail")
def test_promtail(lab):
    """The log agent DaemonSet (promtail, or Alloy) is Ready on every node."""
    lab.require(loki_stack.promtail)


@pytest.mark.checkpoint("obs.3.grafana-loki-datasource")
def test_grafana_loki_datasource(lab):
    """Grafana lists a datasource of type loki and its health check passes."""
    lab.require(loki_stack.grafana_loki_datasource)


@pytest.mark.checkpoint("obs.3.logs-flowing")
def test_logs_flowing(lab):
    """Loki returns at least one log stream from the last 15 minutes."""
    lab.require(loki_stack.logs_flowing)
