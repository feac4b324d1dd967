"""The store's password rules, each its own validator with its own message.

A password has at least one letter, one capital letter and one number, is 8 to 25 characters
long, and does not contain the holder's first or last name or the company's name.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 25
# Name parts shorter than this are too common inside ordinary words to forbid.
MIN_NAME_PART = 3


class LengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
            raise ValidationError(
                _("The password must be %(min)d to %(max)d characters long.") % {"min": MIN_LENGTH, "max": MAX_LENGTH},
                code="password_length",
            )

    def get_help_text(self) -> str:
        return _("%(min)d to %(max)d characters.") % {"min": MIN_LENGTH, "max": MAX_LENGTH}


class LetterValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isalpha() for ch in password):
            raise ValidationError(_("The password must contain at least one letter."), code="password_no_letter")

    def get_help_text(self) -> str:
        return _("At least one letter.")


class CapitalLetterValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isupper() for ch in password):
            raise ValidationError(
                _("The password must contain at least one capital letter."), code="password_no_capital"
            )

    def get_help_text(self) -> str:
        return _("At least one capital letter.")


class NumberValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not any(ch.isdigit() for ch in password):
            raise ValidationError(_("The password must contain at least one number."), code="password_no_number")

    def get_help_text(self) -> str:
        return _("At least one number.")


def _name_parts(*names: str) -> set[str]:
    parts: set[str] = set()
    for name in names:
        words = [w for w in re.split(r"[\W_]+", (name or "").lower()) if w]
        parts.update(w for w in words if len(w) >= MIN_NAME_PART)
        joined = "".join(words)
        if len(joined) >= MIN_NAME_PART:
            parts.add(joined)
    return parts


def _company_name(user: Any) -> str:
    if user is None:
        return ""
    explicit = getattr(user, "company_name_for_password", None)
    if explicit:
        return explicit
    contact = getattr(user, "contact", None) if getattr(user, "pk", None) else None
    return contact.account.company_name if contact is not None else ""


class NoNamesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        lowered = password.lower()
        holder = _name_parts(getattr(user, "first_name", ""), getattr(user, "last_name", ""))
        if any(part in lowered for part in holder):
            raise ValidationError(
                _("The password must not contain the account holder's name."), code="password_has_holder_name"
            )
        company = _name_parts(_company_name(user))
        if any(part in lowered for part in company):
            raise ValidationError(
                _("The password must not contain the company's name."), code="password_has_company_name"
            )

    def get_help_text(self) -> str:
        return _("Not your name or your company's name.")
