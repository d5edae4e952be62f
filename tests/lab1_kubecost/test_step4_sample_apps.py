"""Step 4: three labelled namespaces, their Deployments' resources, and Running pods."""

import pytest
from pytest_kubelab.checks import sampleapps


@pytest.mark.checkpoint("cost.4.namespaces")
def test_namespaces(lab):
    """production/staging/development exist with their team and cost-center labels."""
    lab.require(sampleapps.namespaces)


@pytest.mark.checkpoint("cost.4.deployments")
def test_deployments(lab):
    """web-app, api-server and dev-service exist with the lab's requests and limits."""
    lab.require(sampleapps.deployments)


@pytest.mark.checkpoint("cost.4.pods-running")
def test_pods_running(lab):
    """Each Deployment's pods are Running and Ready, with a replica count the HPA allows."""
    lab.require(sampleapps.pods_running)
