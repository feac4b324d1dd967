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


# Legal forms and filler words of company names: forbidding them would forbid half the dictionary.
COMPANY_STOPWORDS = {
    "inc", "llc", "ltd", "ltda", "sas", "sac", "cia", "corp", "and", "the", "del", "los", "las", "srl", "spa", "gmbh",
    "company", "group", "grupo",
}
# A name part shorter than this is forbidden as a whole word only ("Ana" forbids "Ana2026", not "Banana").
WHOLE_WORD_BELOW = 4


def _name_parts(*names: str, stopwords: frozenset[str] | set[str] = frozenset()) -> set[str]:
    parts: set[str] = set()
    for name in names:
        words = [w for w in re.split(r"[\W_]+", (name or "").lower()) if w]
        parts.update(w for w in words if len(w) >= MIN_NAME_PART and w not in stopwords)
        joined = "".join(w for w in words if w not in stopwords)
        if len(joined) >= MIN_NAME_PART:
            parts.add(joined)
    return parts


def _found(parts: set[str], password: str) -> str | None:
    """The first name part the password contains: short parts as a whole word, longer ones anywhere."""
    lowered = password.lower()
    for part in sorted(parts, key=len, reverse=True):
        if len(part) >= WHOLE_WORD_BELOW:
            if part in lowered:
                return part
        elif re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])", lowered):
            return part
    return None


def _company_name(user: Any) -> str:
    if user is None:
        return ""
    contact = getattr(user, "contact", None) if getattr(user, "pk", None) else None
    return contact.account.company_name if contact is not None else ""


class NoNamesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if user is None:
            return
        holder = _found(_name_parts(getattr(user, "first_name", ""), getattr(user, "last_name", "")), password)
        if holder:
            raise ValidationError(
                _("The password must not contain the account holder's name (“%(word)s”).") % {"word": holder},
                code="password_has_holder_name",
            )
        company = _found(_name_parts(_company_name(user), stopwords=COMPANY_STOPWORDS), password)
        if company:
            raise ValidationError(
                _("The password must not contain the company's name (“%(word)s”).") % {"word": company},
                code="password_has_company_name",
            )

    def get_help_text(self) -> str:
        return _("Not your name or your company's name.")
