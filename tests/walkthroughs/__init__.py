"""Transcript tests of the Kubernetes documentation's canonical walkthroughs, run through ``k8stutor shell``."""
