"""Non-Textual front ends: the shell (REPL and transcript runner) and, later, the HTTP API server."""
