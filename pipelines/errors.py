"""The error users see: one line, no traceback, a non-zero exit."""


class ResqueError(Exception):
    """A problem with the input or the environment that the user can fix."""
