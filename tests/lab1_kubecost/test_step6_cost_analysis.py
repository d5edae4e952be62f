"""Step 6: cost per namespace from Kubecost, pod usage, and right-sizing."""

import pytest

from .checks import costs, metrics_server


@pytest.mark.usefixtures("kubecost_install", "sample_apps")
@pytest.mark.checkpoint("cost.6.allocation-api")
def test_allocation_api(lab):
    """kubecost-cost-analyzer:9090/model/allocation?window=7d&aggregate=namespace has numeric,
    non-negative cpuCost, ramCost and totalCost for production, staging and development.

    ko: kubecost-cost-analyzer:9090/model/allocation?window=7d&aggregate=namespace 응답에
    production, staging, development 각각의 `cpuCost`, `ramCost`, `totalCost`가 음수가 아닌 숫자로
    들어 있습니다.
    """
    cost = lab.expected["kubecost"]
    lab.require(
        costs.allocation_has_costs(
            cost["namespace"],
            cost["ui_service"],
            path=cost["allocation"]["path"],
            query=cost["allocation"]["query"],
            names=[app["namespace"] for app in lab.expected["apps"]],
            release=cost["release"],
        )
    )


@pytest.mark.usefixtures("metrics_server", "sample_apps")
@pytest.mark.checkpoint("cost.6.pod-usage")
def test_pod_usage(lab):
    """The metrics API returns usage for every Running pod of Deployment production/web-app
    (``kubectl top pods -n production``).

    ko: 메트릭 API가 Deployment production/web-app의 Running 상태인 모든 Pod의 사용량을 돌려줍니다
    (``kubectl top pods -n production``).
    """
    production = lab.expected["apps"][0]
    lab.require(metrics_server.pods_have_usage(production["namespace"], production["deployment"]))


@pytest.mark.usefixtures("metrics_server", "kubecost_install", "sample_apps")
@pytest.mark.checkpoint("cost.6.rightsizing")
def test_rightsizing(lab):
    """Every lab Deployment has usage for all its pods; the report shows requests vs average
    usage with the suggestion (request = usage x 1.5, at least 10m/20Mi; limit = 2 x request)
    and Kubecost's own recommendation (/model/savings/requestSizingV2) beside it.

    ko: 실습의 모든 Deployment에서 모든 Pod의 사용량을 읽을 수 있습니다. 보고서에는 requests와 평균
    사용량, 권장값(request = 사용량 × 1.5, 최소 10m/20Mi; limit = 2 × request)이 나오고, 그 옆에
    Kubecost 자체의 권장값(/model/savings/requestSizingV2)도 함께 나옵니다.
    """
    cost, rule = lab.expected["kubecost"], lab.expected["rightsizing"]
    lab.require(
        costs.rightsizing_table(
            lab.expected["apps"],
            request_factor=rule["request_factor"],
            limit_factor=rule["limit_factor"],
            min_request=rule["min_request"],
            namespace=cost["namespace"],
            service=cost["ui_service"],
            savings_path=cost["savings_path"],
            savings_query=cost["savings_query"],
        )
    )
