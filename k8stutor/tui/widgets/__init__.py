"""Reusable widgets: the windowed row list, the prompt, the output log, the YAML editor area."""
