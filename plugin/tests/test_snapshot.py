"""The session-start snapshot: cluster-wide LISTs fetched once in parallel serve every
namespaced read afterwards, with the same answer a namespaced LIST would give, and a
refresh (used while waiting) goes back to the cluster."""

from __future__ import annotations

from pytest_kubelab.kube.reader import SNAPSHOT, ClusterReader
from pytest_kubelab.kube.transport import KubeApi
from pytest_kubelab.sim.runtime import start


def test_snapshot_serves_namespaced_reads() -> None:
    with start("complete") as sim:
        snap = ClusterReader(KubeApi(sim.kubeconfig, sim.scenario.context))
        snap.prefetch(SNAPSHOT)
        after_prefetch = snap.api.requests
        assert after_prefetch == len(SNAPSHOT)
        fresh = ClusterReader(KubeApi(sim.kubeconfig, sim.scenario.context))
        for kind, _ in SNAPSHOT:
            for namespace in ("kube-system", "monitoring", "nowhere"):
                assert snap.list(kind, namespace) == fresh.list(kind, namespace), (kind, namespace)
        assert snap.api.requests == after_prefetch  # all served from the snapshot
        assert "Secret" not in {kind for kind, _ in SNAPSHOT}  # least privilege
        snap.refresh()
        snap.list("Pod", "kube-system")
        assert snap.api.requests == after_prefetch + 1
        snap.api.close()
        fresh.api.close()
