from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.countries import COUNTRY_CHOICES


class CountryChoiceForm(forms.Form):
    """The events page's chooser: the events of another country."""

    country = forms.ChoiceField(label=_("Country"), choices=COUNTRY_CHOICES)


class VisitorRegistrationForm(forms.Form):
    """"Not {store} customer's contact": the person's data."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    company = forms.CharField(label=_("Company"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    country = forms.ChoiceField(label=_("Country"), choices=[("", "---------"), *COUNTRY_CHOICES])
