"""Exceptions shared by the supervision services (and mapped once, in the API's exception handler)."""


class InvalidState(Exception):
    """The action is not allowed in the record's current state (HTTP 409)."""
