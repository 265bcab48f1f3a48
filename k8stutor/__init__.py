"""k8stutor: learn Kubernetes in the terminal on a faithful simulated v1.32 cluster."""

__version__ = "0.1.0"
