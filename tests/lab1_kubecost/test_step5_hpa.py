"""Step 5: the production and staging HPAs and their live TARGETS."""

import pytest
from pytest_kubelab.checks import hpa


@pytest.mark.checkpoint("cost.5.hpa-production")
def test_hpa_production(lab):
    """Production HPA configured (web-app-hpa)."""
    lab.require(hpa.hpa_production)


@pytest.mark.checkpoint("cost.5.hpa-staging")
def test_hpa_staging(lab):
    """Staging HPA configured (api-server-hpa)."""
    lab.require(hpa.hpa_staging)


@pytest.mark.checkpoint("cost.5.hpa-targets")
def test_hpa_targets(lab):
    """Both HPAs report current utilization for every metric and ScalingActive=True."""
    lab.require(hpa.hpa_targets)
