"""Step 3: loki-stack installed, Loki and its volume ready, the log agent on every node,
the Loki datasource working in Grafana, and logs arriving."""

import pytest
from pytest_kubelab import expect

from .checks import grafana, loki

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("loki_stack")


@pytest.mark.checkpoint("obs.3.release")
def test_release(lab):
    """loki-stack installed: Helm release loki is deployed in monitoring.

    ko: loki-stack 설치: monitoring 네임스페이스의 Helm 릴리스 loki가 deployed 상태입니다.
    """
    release = lab.expected["loki"]
    namespace = lab.expected["namespace"]
    lab.require(expect.helm_release_deployed(namespace, release["release"], release["install"]))


@pytest.mark.checkpoint("obs.3.loki-ready")
def test_loki_ready(lab):
    """StatefulSet loki is Ready and its volume claim storage-loki-0 is Bound.

    ko: StatefulSet loki가 Ready 상태이고, 그 볼륨(PVC storage-loki-0)이 Bound 상태입니다.
    """
    conf = lab.expected["loki"]
    lab.require(
        loki.ready_with_volume(
            lab.expected["namespace"], conf["statefulset"], conf["pvc"], conf["release"]
        )
    )


@pytest.mark.checkpoint("obs.3.promtail")
def test_promtail(lab):
    """The log agent DaemonSet (promtail, or Alloy) is Ready on every node.

    ko: 로그 수집 에이전트 DaemonSet(promtail 또는 Alloy)이 모든 노드에서 Ready 상태입니다.
    """
    conf = lab.expected["loki"]
    agent = loki.LogAgent(
        namespace=lab.expected["namespace"],
        promtail=conf["promtail"],
        alloy_labels=conf["alloy_labels"],
    )
    lab.require(loki.agent_on_every_node(agent, conf["release"], conf["inotify_fix"]))


@pytest.mark.usefixtures("prometheus_stack")
@pytest.mark.checkpoint("obs.3.grafana-loki-datasource")
def test_grafana_loki_datasource(lab):
    """Grafana lists a datasource of type loki and its health check passes.

    ko: Grafana에 type이 loki인 데이터소스가 있고, 그 데이터소스의 상태 확인이 성공합니다.
    """
    conf = lab.expected["grafana"]
    api = grafana.Grafana(
        namespace=lab.expected["namespace"],
        node_port=conf["node_port"],
        secret=conf["secret"],
        user_key=conf["user_key"],
        password_key=conf["password_key"],
    )
    lab.require(loki.grafana_datasource(api, conf["datasource_label"], conf["pod_labels"]))


@pytest.mark.checkpoint("obs.3.logs-flowing")
def test_logs_flowing(lab):
    """Loki returns at least one log stream from the last 15 minutes.

    ko: Loki가 최근 15분 동안의 로그 스트림을 하나 이상 돌려줍니다.
    """
    conf = lab.expected["loki"]
    agent = loki.LogAgent(
        namespace=lab.expected["namespace"],
        promtail=conf["promtail"],
        alloy_labels=conf["alloy_labels"],
    )
    lab.require(
        loki.logs_arriving(
            lab.expected["namespace"],
            conf["service"],
            conf["port"],
            selector=conf["log_selector"],
            window_minutes=conf["log_window_minutes"],
            release=conf["release"],
            agent=agent,
        )
    )
