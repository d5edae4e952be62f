"""Step 5: the production and staging HPAs and their live TARGETS."""

import pytest

from .checks import hpa

# --lab-provision builds what these tests read first (conftest.py); grading only reads.
pytestmark = pytest.mark.usefixtures("hpas")


@pytest.mark.checkpoint("cost.5.hpa-production")
def test_hpa_production(lab):
    """HPA production/web-app-hpa targets Deployment web-app with min 2, max 10,
    cpu 70% and memory 80%, and Step 5's scaleDown/scaleUp behavior.

    ko: HPA production/web-app-hpa가 Deployment web-app을 대상으로 하고, min 2, max 10, cpu 70%,
    memory 80%와 Step 5의 scaleDown/scaleUp 동작(`behavior`)이 설정되어 있습니다.
    """
    lab.require(hpa.spec_as_in_lab(lab.expected["hpas"]["production"]))


@pytest.mark.checkpoint("cost.5.hpa-staging")
def test_hpa_staging(lab):
    """HPA staging/api-server-hpa targets Deployment api-server with min 1, max 5, cpu 70%.

    ko: HPA staging/api-server-hpa가 Deployment api-server를 대상으로 하고, min 1, max 5, cpu 70%로
    설정되어 있습니다.
    """
    lab.require(hpa.spec_as_in_lab(lab.expected["hpas"]["staging"]))


@pytest.mark.usefixtures("metrics_server")
@pytest.mark.checkpoint("cost.5.hpa-targets")
def test_hpa_targets(lab):
    """Both HPAs report current utilization for every metric and ScalingActive=True
    (without an Available metrics API, <unknown> fails at once).

    ko: 두 HPA 모두 모든 메트릭의 현재 사용률을 보여 주고 ScalingActive=True 상태입니다 (메트릭
    API가 Available이 아니어서 TARGETS에 <unknown>이 보이면 기다리지 않고 바로 실패합니다).
    """
    lab.require(
        hpa.targets_reported(
            list(lab.expected["hpas"].values()),
            apiservice=lab.expected["metrics_server"]["apiservice"],
        )
    )
