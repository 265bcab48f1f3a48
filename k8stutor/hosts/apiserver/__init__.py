"""k8stutor serve: the simulated cluster as a real Kubernetes API server."""
