"""Build fixtures of the example lab: one per installation of ``provision.yaml``.

With ``--lab-provision`` a test's build fixtures build what it reads (and everything
before it in ``provision.yaml``) once for the session; when grading they run nothing.
"""

import pytest


@pytest.fixture
def lab_cluster(lab_install):
    """Step 1: the kind cluster of provision.yaml ``cluster:``."""
    return lab_install("lab_cluster")


@pytest.fixture
def web_app(lab_install):
    """Step 2: namespace shop, Deployment web and its NodePort Service (manifests/web.yaml)."""
    return lab_install("web_app")
