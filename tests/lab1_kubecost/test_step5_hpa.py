"""Step 5: the production and staging HPAs and their live TARGETS."""

import pytest
from pytest_kubelab.checks import hpa


@pytest.mark.checkpoint("cost.5.hpa-production")
def test_hpa_production(lab):
    lab.require(hpa.hpa_production)


@pytest.mark.checkpoint("cost.5.hpa-staging")
def test_hpa_staging(lab):
    lab.require(hpa.hpa_staging)


@pytest.mark.checkpoint("cost.5.hpa-targets")
def test_hpa_targets(lab):
    lab.require(hpa.hpa_targets)
