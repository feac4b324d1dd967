from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from orders.services import MAX_QUANTITY
from orders.shipping import shipment_types_for


class AddToCartForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.IntegerField(label=_("Amount"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class AddItemForm(forms.Form):
    code = forms.CharField(label=_("SKU or part number"), max_length=80)
    quantity = forms.IntegerField(label=_("Amount"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class AddMultipleForm(forms.Form):
    lines = forms.CharField(
        label=_("Paste one product per line: SKU or part number, then the amount"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "NB-LEN-004512 2\nMN-DEL-000123 5"}),
    )
    file = forms.FileField(label=_("or upload a CSV or XLSX file"), required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("lines", "").strip() and not cleaned.get("file"):
            raise forms.ValidationError(_("Paste some lines or choose a file."))
        return cleaned


class CheckoutForm(forms.Form):
    shipment_type = forms.ChoiceField(label=_("Shipment type"), choices=Order.Shipment.choices, widget=forms.RadioSelect)
    observations = forms.CharField(label=_("Observations"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    payment_method = forms.ChoiceField(label=_("Payment method"), choices=Order.Payment.choices, widget=forms.RadioSelect)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, required=False, max_digits=14, decimal_places=2)

    def __init__(self, *args, country: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shipment_type"].choices = shipment_types_for(country)

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(Order.State.choices))
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned
