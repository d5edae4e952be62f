"""Step 5: namespace demo, Deployment web-app, Service web-service on NodePort 30082,
and the nginx welcome page there."""

import pytest
from pytest_kubelab.checks import demo_app


@pytest.mark.checkpoint("obs.5.namespace")
def test_namespace(lab):
    """Namespace demo created."""
    lab.require(demo_app.namespace)


@pytest.mark.checkpoint("obs.5.web-app")
def test_web_app(lab):
    """Deployment web-app: nginx:alpine, requests 100m/128Mi, 3 available replicas."""
    lab.require(demo_app.web_app)


@pytest.mark.checkpoint("obs.5.web-service")
def test_web_service(lab):
    """Service web-service is NodePort 30082 and has ready endpoint addresses."""
    lab.require(demo_app.web_service)


@pytest.mark.checkpoint("obs.5.web-reachable")
def test_web_reachable(lab):
    """http://<node>:30082 serves the nginx welcome page."""
    lab.require(demo_app.web_reachable)
