"""The route walker's parts: building a URL for a pattern, and the values that name no object."""

from __future__ import annotations

import re
import uuid

from django.urls import reverse

from tests.security.routes import Pattern

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def url_for(pattern: Pattern, kwargs: dict[str, str]) -> str:
    """The pattern's URL with these parameters (unnamed admin patterns are filled in by hand)."""
    if pattern.name.split(":")[-1]:
        return reverse(pattern.name, kwargs=kwargs)
    return "/" + _CONVERTER.sub(lambda m: str(kwargs[m.group(1)]), pattern.route)


def missing_value(example: str) -> str:
    """A value of the same shape as `example` that names no object."""
    if example.isdigit():
        return "987654321"
    try:
        uuid.UUID(example)
    except ValueError:
        return "NOPE-" + "0" * 8
    return str(uuid.uuid4())


def admin_value(param: str, other_account_pk: int) -> str:
    """A value for a parameter of an admin URL: the other account's id wherever an id goes."""
    return {"app_label": "accounts", "to_state": "sent", "content_type_id": "1"}.get(param, str(other_account_pk))
