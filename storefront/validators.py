"""Validators every app's forms share.

Control characters have no place in what a person types: a bell or an escape stored in a name ends up in
emails, exports and the admin, a line break in a one-line field can forge email headers, and the Unicode
bidirectional controls make text read differently from what it holds ("Trojan Source").
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# The explicit embeddings and overrides (U+202A-U+202E) and the isolates (U+2066-U+2069).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What a field of several lines may hold besides text: line breaks and tabs.
MULTILINE_ALLOWED = frozenset("\n\t")


@deconstructible
class NoControlCharactersValidator:
    """Refuses the C0 and C1 control characters and the bidi controls; a field of several lines keeps \\n and \\t.

    A browser sends a line break as CRLF: where line breaks are allowed, that pair counts as one.
    """

    message = _("Remove the invisible control characters from this field (such as a bell, an escape or a text-direction mark).")
    code = "control_characters"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: object) -> None:
        text = str(value)
        allowed: frozenset[str] = frozenset()
        if self.multiline:
            text = text.replace("\r\n", "\n")
            allowed = MULTILINE_ALLOWED
        if has_forbidden_characters(text, allowed=allowed):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharactersValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


def has_forbidden_characters(text: str, *, allowed: frozenset[str] = frozenset()) -> bool:
    """Whether the text holds a control character (C0, DEL or C1) not in `allowed`, or a bidi control."""
    return any(
        (unicodedata.category(char) == "Cc" and char not in allowed) or char in BIDI_CONTROLS for char in text
    )


# One line (a name, a company, an email): no control character at all.
validate_single_line = NoControlCharactersValidator()
# Several lines (a message, a comment): line breaks and tabs are fine.
validate_multiline = NoControlCharactersValidator(multiline=True)
