from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES

# The comment may span lines; no other field may hold a line break, and none any other control character.
COMMENT_ALLOWED_CONTROLS = frozenset("\n\r\t")
COMMENT_MAX_LENGTH = 4000
FAQ_QUERY_MAX_LENGTH = 100

phone_validator = RegexValidator(
    r"^\+?[0-9(][0-9 ().\-/]{3,38}$",
    _("Enter a phone number: digits, spaces and + ( ) . - / only."),
)


def _refuse_controls(value: str, allowed: frozenset[str] = frozenset()) -> None:
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise ValidationError(_("Remove the control characters from this field."), code="control_characters")


def no_control_characters(value: str) -> None:
    """A one-line field: no control character at all (a line break there could forge email headers)."""
    _refuse_controls(value)


def comment_characters(value: str) -> None:
    """The comment: line breaks and tabs are fine, other control characters are not."""
    _refuse_controls(value, COMMENT_ALLOWED_CONTROLS)


def _line(label: str, max_length: int, *, required: bool, validators: list | None = None) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[no_control_characters, *(validators or [])]
    )


class InquiryForm(forms.Form):
    """The "Questions or Concerns" form: the seed's starred fields are required."""

    first_name = _line(_("First Name"), 150, required=True)
    last_name = _line(_("Last Name"), 150, required=True)
    company_name = _line(_("Company name"), 200, required=False)
    email = forms.EmailField(label=_("Email"), max_length=254, validators=[no_control_characters])
    phone = _line(_("Phone"), 40, required=True, validators=[phone_validator])
    fax = _line(_("Fax"), 40, required=False, validators=[phone_validator])
    address = _line(_("Address"), 255, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
    comment = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        validators=[comment_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        autocomplete = {
            "first_name": "given-name", "last_name": "family-name", "company_name": "organization",
            "email": "email", "phone": "tel", "fax": "tel", "address": "street-address", "country": "country",
        }
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = token


class FaqSearchForm(forms.Form):
    """The FAQ's search box: a few words found in a question or an answer."""

    q = forms.CharField(
        label=_("Search the questions"), max_length=FAQ_QUERY_MAX_LENGTH, required=False, validators=[no_control_characters]
    )


class CountryChoiceForm(forms.Form):
    """The country chooser of "Locations and service centres"."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)
