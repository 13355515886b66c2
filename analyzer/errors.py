"""Errors the command line turns into one line on stderr and exit code 2 (no imports: cheap)."""


class UsageError(Exception):
    """A problem with what the user asked for: a bad path, an unknown rule."""
