"""The one shape of a refused action, shared by every app's `<Domain>Error`."""

from __future__ import annotations


class DomainError(Exception):
    """An action the rules refuse: a message for the person and, where it applies, the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
