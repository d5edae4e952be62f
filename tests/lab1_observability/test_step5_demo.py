"""Step 5: namespace demo, Deployment web-app, Service web-service on NodePort 30082,
and the nginx welcome page there."""

import pytest
from pytest_kubelab.checks import demo_app


@pytest.mark.checkpoint("obs.5.namespace")
def test_namespace(lab):
    lab.require(demo_app.namespace)


@pytest.mark.checkpoint("obs.5.web-app")
def test_web_app(lab):
    lab.require(demo_app.web_app)


@pytest.mark.checkpoint("obs.5.web-service")
def test_web_service(lab):
    lab.require(demo_app.web_service)


@pytest.mark.checkpoint("obs.5.web-reachable")
def test_web_reachable(lab):
    lab.require(demo_app.web_reachable)
