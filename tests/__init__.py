"""Project-level tests: the command line, settings and deployment checks."""
