"""Simulated containers: image catalogue, the safe mini-shell, per-container filesystems."""
