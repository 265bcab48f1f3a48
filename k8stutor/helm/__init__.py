"""Helm 3 inside the simulator: charts, the Go template engine, releases (arrives with its issue)."""
