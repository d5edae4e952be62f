"""Step 4: three labelled namespaces, their Deployments' resources, and Running pods.

``lab.expected["apps"]`` lists, per namespace (production, staging, development), its
team and cost-center labels and its Deployment (web-app, api-server, dev-service) with
replicas, requests and limits.
"""

import pytest

from .checks import sample_apps


@pytest.mark.usefixtures("lab_namespaces")
@pytest.mark.checkpoint("cost.4.namespaces")
def test_namespaces(lab):
    """production/staging/development exist with their team and cost-center labels.

    ko: production/staging/development 네임스페이스가 있고, 각각 team과 cost-center 라벨이 붙어
    있습니다.
    """
    lab.require(sample_apps.namespaces_labelled(lab.expected["apps"]))


@pytest.mark.usefixtures("sample_apps")
@pytest.mark.checkpoint("cost.4.deployments")
def test_deployments(lab):
    """web-app, api-server and dev-service exist with the lab's requests and limits.

    ko: web-app, api-server, dev-service가 실습에서 정한 requests와 limits로 배포되어 있습니다.
    """
    lab.require(sample_apps.deployments_resourced(lab.expected["apps"]))


@pytest.mark.usefixtures("sample_apps")
@pytest.mark.checkpoint("cost.4.pods-running")
def test_pods_running(lab):
    """Each Deployment's pods are Running and Ready, with the lab's replica count or,
    under an HPA, one between its minReplicas and maxReplicas.

    ko: 각 Deployment의 Pod가 Running이고 Ready 상태입니다. Pod 수는 실습에서 정한 replicas 값과
    같거나, HPA가 있으면 그 `minReplicas`와 `maxReplicas` 사이입니다.
    """
    lab.require(sample_apps.pods_running(lab.expected["apps"]))
