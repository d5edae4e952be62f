"""Cluster access: the API transport, kubeconfig handling, the cached read-only
reader, resource kinds, label selectors, Helm's release state, pod status and
quantities. Everything here reads; nothing writes to a cluster."""
