from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES
from storefront.validators import validate_single_line


class CountryChoiceForm(forms.Form):
    """The events page's chooser: the events of another country."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)


class VisitorRegistrationForm(forms.Form):
    """"Not {store} customer's contact": the person's data."""

    first_name = forms.CharField(label=_("First name"), max_length=100, validators=[validate_single_line])
    last_name = forms.CharField(label=_("Last name"), max_length=100, validators=[validate_single_line])
    company = forms.CharField(label=_("Company"), max_length=200, validators=[validate_single_line])
    position = forms.CharField(label=_("Position"), max_length=100, validators=[validate_single_line])
    email = forms.EmailField(label=_("Email"), max_length=254, validators=[validate_single_line])
    phone = forms.CharField(label=_("Phone"), max_length=40, validators=[validate_single_line])
    country = forms.ChoiceField(label=_("Country"), choices=[("", "---------"), *COUNTRY_CHOICES])
