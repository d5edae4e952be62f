"""Step 4: Jaeger installed and running, its UI on NodePort 30081, its query API answering."""

import pytest
from pytest_kubelab.checks import jaeger


@pytest.mark.checkpoint("obs.4.release")
def test_release(lab):
    lab.require(jaeger.release)


@pytest.mark.checkpoint("obs.4.jaeger-ready")
def test_jaeger_ready(lab):
    lab.require(jaeger.jaeger_ready)


@pytest.mark.checkpoint("obs.4.jaeger-ui")
def test_jaeger_ui(lab):
    lab.require(jaeger.jaeger_ui)


@pytest.mark.checkpoint("obs.4.jaeger-api")
def test_jaeger_api(lab):
    lab.require(jaeger.jaeger_api)
