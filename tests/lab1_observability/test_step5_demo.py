"""Step 5: namespace demo, Deployment web-app, Service web-service on NodePort 30082,
and the nginx welcome page there."""

import pytest
from pytest_kubelab import expect

from .checks import demo_app

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("demo_app")


@pytest.mark.checkpoint("obs.5.namespace")
def test_namespace(lab):
    """Namespace demo created.

    ko: demo 네임스페이스가 만들어져 있습니다.
    """
    lab.require(expect.namespace_exists(lab.expected["demo"]["namespace"]))


@pytest.mark.checkpoint("obs.5.web-app")
def test_web_app(lab):
    """Deployment web-app: nginx:alpine, requests 100m/128Mi, 3 available replicas.

    ko: Deployment web-app: nginx:alpine 이미지, requests cpu 100m / memory 128Mi, 사용 가능한 Pod
    3개.
    """
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
    """Service web-service is NodePort 30082 and has ready endpoint addresses.

    ko: Service web-service가 NodePort 30082로 열려 있고, 준비된 endpoint 주소가 있습니다.
    """
    demo = lab.expected["demo"]
    lab.require(expect.service_on_nodeport(demo["namespace"], demo["service"], demo["node_port"]))


@pytest.mark.checkpoint("obs.5.web-reachable")
def test_web_reachable(lab):
    """http://<node>:30082 serves the nginx welcome page.

    ko: http://<노드>:30082에서 nginx 첫 페이지("Welcome to nginx!")가 열립니다.
    """
    demo = lab.expected["demo"]
    lab.require(
        demo_app.welcome_page(
            demo["node_port"], demo["welcome"], namespace=demo["namespace"], service=demo["service"]
        )
    )
