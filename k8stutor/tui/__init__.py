"""The Textual app: the only package that imports textual (arrives with its issue)."""
