"""Step 5: namespace demo, Deployment web-app, Service web-service on NodePort 30082,
and the nginx welcome page there."""

import pytest
from pytest_kubelab import expect

from .checks import demo_app

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("demo_app")


@pytest.mark.checkpoint("obs.5.namespace")
def test_namespace(lab):
    """Namespace demo created."""
    lab.require(expect.namespace_exists(lab.expected["demo"]["namespace"]))


@pytest.mark.checkpoint("obs.5.web-app")
def test_web_app(lab):
    """Deployment web-app: nginx:alpine, requests 100m/128Mi, 3 available replicas."""
    demo = lab.expected["demo"]
    lab.require(
        demo_app.deployment_as_specified(
            demo["namespace"],
            demo["deployment"],
            replicas=demo["replicas"],
            image=demo["container_image"],
            requests=demo["requests"],
        )
    )


@pytest.mark.checkpoint("obs.5.web-service")
def test_web_service(lab):
    """Service web-service is NodePort 30082 and has ready endpoint addresses."""
    demo = lab.expected["demo"]
    lab.require(expect.service_on_nodeport(demo["namespace"], demo["service"], demo["node_port"]))


@pytest.mark.checkpoint("obs.5.web-reachable")
def test_web_reachable(lab):
    """http://<node>:30082 serves the nginx welcome page."""
    demo = lab.expected["demo"]
    lab.require(
        demo_app.welcome_page(
            demo["node_port"], demo["welcome"], namespace=demo["namespace"], service=demo["service"]
        )
    )
