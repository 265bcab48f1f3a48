"""Lesson packs: the model, loader, linter and check evaluator (arrives with its issue)."""
