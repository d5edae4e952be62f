"""Step 2: kube-prometheus-stack installed and Ready, Grafana on NodePort 30080 with a
working login, Prometheus scraping, and Grafana's datasource and dashboards."""

import pytest
from pytest_kubelab import expect

from .checks import grafana, prometheus

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("prometheus_stack")


@pytest.mark.checkpoint("obs.2.release")
def test_release(lab):
    """kube-prometheus-stack installed: Helm release prometheus is deployed in monitoring.

    ko: kube-prometheus-stack 설치: monitoring 네임스페이스의 Helm 릴리스 prometheus가 deployed
    상태입니다.
    """
    release = lab.expected["prometheus_stack"]
    namespace = lab.expected["namespace"]
    lab.require(expect.helm_release_deployed(namespace, release["release"], release["install"]))


@pytest.mark.checkpoint("obs.2.workloads")
def test_workloads(lab):
    """Every component of the stack is Ready; node-exporter runs on every node.

    ko: 스택의 모든 구성 요소가 Ready 상태이고, node-exporter가 모든 노드에서 실행 중입니다.
    """
    stack = lab.expected["prometheus_stack"]
    lab.require(
        prometheus.components_ready(lab.expected["namespace"], stack["release"], stack["workloads"])
    )


@pytest.mark.checkpoint("obs.2.grafana-nodeport")
def test_grafana_nodeport(lab):
    """Service prometheus-grafana is NodePort 30080 and /api/health says database ok.

    ko: Service prometheus-grafana가 NodePort 30080으로 열려 있고, /api/health 응답의 database가
    ok입니다.
    """
    conf = lab.expected["grafana"]
    api = grafana.Grafana(
        namespace=lab.expected["namespace"],
        node_port=conf["node_port"],
        secret=conf["secret"],
        user_key=conf["user_key"],
        password_key=conf["password_key"],
    )
    lab.require(
        grafana.healthy_on_nodeport(
            api,
            conf["service"],
            deployment=conf["deployment"],
            release=lab.expected["prometheus_stack"]["release"],
        )
    )


@pytest.mark.checkpoint("obs.2.grafana-login")
def test_grafana_login(lab):
    """Grafana accepts the admin user and password stored in its Secret; the message says
    whether they are the lab's admin / admin123.

    ko: Grafana의 Secret에 저장된 관리자 계정(사용자 이름과 비밀번호)으로 로그인할 수 있습니다. 그
    값이 실습의 admin / admin123인지도 메시지로 알려 줍니다.
    """
    conf = lab.expected["grafana"]
    api = grafana.Grafana(
        namespace=lab.expected["namespace"],
        node_port=conf["node_port"],
        secret=conf["secret"],
        user_key=conf["user_key"],
        password_key=conf["password_key"],
    )
    lab.require(grafana.admin_login(api, conf["lab_user"], conf["lab_password"]))


@pytest.mark.checkpoint("obs.2.prometheus-targets")
def test_prometheus_targets(lab):
    """Prometheus scrapes node-exporter and the kubelets successfully (up == 1).

    ko: Prometheus가 node-exporter와 kubelet의 메트릭을 정상적으로 수집합니다 (up == 1).
    """
    conf = lab.expected["prometheus"]
    lab.require(
        prometheus.scrapes_jobs(
            lab.expected["namespace"],
            conf["service"],
            conf["port"],
            conf["required_jobs"],
            statefulset=conf["statefulset"],
            release=lab.expected["prometheus_stack"]["release"],
        )
    )


@pytest.mark.checkpoint("obs.2.dashboards")
def test_dashboards(lab):
    """Grafana has a working Prometheus datasource and the stack's default dashboards.

    ko: Grafana에 정상 동작하는 Prometheus 데이터소스와 스택의 기본 대시보드가 있습니다.
    """
    conf = lab.expected["grafana"]
    api = grafana.Grafana(
        namespace=lab.expected["namespace"],
        node_port=conf["node_port"],
        secret=conf["secret"],
        user_key=conf["user_key"],
        password_key=conf["password_key"],
    )
    lab.require(grafana.prometheus_datasource_and_dashboards(api, conf["dashboards"]))
