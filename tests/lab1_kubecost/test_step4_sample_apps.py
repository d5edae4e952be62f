"""Step 4: three labelled namespaces, their Deployments' resources, and Running pods."""

import pytest
from pytest_kubelab.checks import sampleapps


@pytest.mark.checkpoint("cost.4.namespaces")
def test_namespaces(lab):
    lab.require(sampleapps.namespaces)


@pytest.mark.checkpoint("cost.4.deployments")
def test_deployments(lab):
    lab.require(sampleapps.deployments)


@pytest.mark.checkpoint("cost.4.pods-running")
def test_pods_running(lab):
    lab.require(sampleapps.pods_running)
