"""Step 6: cost per namespace from Kubecost, pod usage, and right-sizing."""

import pytest

from .checks import costs, metrics_server


@pytest.mark.usefixtures("kubecost_install", "sample_apps")
@pytest.mark.checkpoint("cost.6.allocation-api")
def test_allocation_api(lab):
    """kubecost-cost-analyzer:9090/model/allocation?window=7d&aggregate=namespace has numeric,
    non-negative cpuCost, ramCost and totalCost for production, staging and development."""
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
    (``kubectl top pods -n production``)."""
    production = lab.expected["apps"][0]
    lab.require(metrics_server.pods_have_usage(production["namespace"], production["deployment"]))


@pytest.mark.usefixtures("metrics_server", "kubecost_install", "sample_apps")
@pytest.mark.checkpoint("cost.6.rightsizing")
def test_rightsizing(lab):
    """Every lab Deployment has usage for all its pods; the report shows requests vs average
    usage with the suggestion (request = usage x 1.5, at least 10m/20Mi; limit = 2 x request)
    and Kubecost's own recommendation (/model/savings/requestSizingV2) beside it."""
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
