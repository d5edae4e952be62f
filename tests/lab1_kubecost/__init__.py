"""The cost lab (Kubecost variant): its checkpoint tests and the checks only it needs."""
