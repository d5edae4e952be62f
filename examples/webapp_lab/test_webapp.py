"""The example lab's checkpoints: each test shows what it asserts, with lab.yaml's values."""

import pytest
from pytest_kubelab import expect

from .checks import requests_and_limits


@pytest.mark.usefixtures("lab_cluster")
@pytest.mark.checkpoint("web.1.cluster")
def test_cluster(lab):
    """The API server of the kind cluster answers (a warning when the context is not the lab's).

    ko: kind 클러스터의 API 서버가 응답합니다 (컨텍스트가 실습의 것이 아니면 경고합니다).
    """
    lab.require(expect.api_reachable())


@pytest.mark.usefixtures("web_app")
@pytest.mark.checkpoint("web.2.deployment")
def test_deployment(lab):
    """Deployment shop/web runs nginx:1.27 with 2 replicas, all ready.

    ko: Deployment shop/web이 nginx:1.27 이미지의 Pod 2개를 실행하며, 모두 준비되어 있습니다.
    """
    app = lab.expected["app"]
    lab.require(
        expect.workload_ready(
            "Deployment",
            app["namespace"],
            app["deployment"],
            replicas=app["replicas"],
            image=app["image"],
        )
    )


@pytest.mark.usefixtures("web_app")
@pytest.mark.checkpoint("web.2.resources")
def test_resources(lab):
    """Every container of Deployment shop/web sets cpu and memory requests and limits.

    ko: Deployment shop/web의 모든 컨테이너에 cpu와 memory의 requests와 limits가 설정되어 있습니다.
    """
    app = lab.expected["app"]
    lab.require(requests_and_limits(app["namespace"], app["deployment"]))


@pytest.mark.usefixtures("web_app")
@pytest.mark.checkpoint("web.3.service")
def test_service(lab):
    """Service shop/web is of type NodePort on 30090 and has ready endpoints.

    ko: Service shop/web이 NodePort 30090으로 열려 있고, 준비된 endpoint가 있습니다.
    """
    app = lab.expected["app"]
    lab.require(expect.service_on_nodeport(app["namespace"], app["service"], app["node_port"]))


@pytest.mark.usefixtures("web_app")
@pytest.mark.checkpoint("web.3.page")
def test_page(lab):
    """http://localhost:30090/ answers 200 with nginx's welcome page.

    ko: http://localhost:30090/에 요청하면 상태 코드 200과 함께 nginx 첫 페이지가 옵니다.
    """
    app = lab.expected["app"]
    lab.require(expect.http_on_nodeport(app["node_port"], "/", contains=app["page_text"]))
