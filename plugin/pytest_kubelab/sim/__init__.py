"""The simulated lab cluster: a small read-only Kubernetes API server plus NodePort stand-ins.

It serves scenario files that read like ``kubectl get -o yaml`` of real lab
clusters, so the grader can be tested, demonstrated and benchmarked offline.
Run it by hand with ``python -m pytest_kubelab.sim <scenario>``.
"""
