"""Errors of the domain. Each carries the HTTP status it deserves and, when a form
field is at fault, that field's name; the web layer turns them into answers in one place."""
from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. ``status_code`` is the HTTP answer it deserves."""

    status_code = 409

    def __init__(self, message: str, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotPermitted(DomainError):
    status_code = 403


class IllegalMove(DomainError):
    status_code = 409


class VersionConflict(DomainError):
    """Someone changed the case since the form was shown."""

    status_code = 409


class InvalidInput(DomainError):
    status_code = 422
