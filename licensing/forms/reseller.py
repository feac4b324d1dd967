"""The reseller's forms of volume licensing: the order page, the repository's filters, the answers to a
counter-offer, cancellation, and the search of "Distributed keys".

The forms check the shape of what was typed, so every bad value is told next to its own field at once;
the rules themselves (the program offered, the credit line, prices and transitions) stay in the services.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext, gettext_lazy as _

from catalog.models import Product
from licensing.models import LicenceOrder
from licensing.services import MAX_LINES, LineRequest
from orders.services import MAX_QUANTITY
from storefront.money import money_text

WHOLE_NUMBER = re.compile(r"^[0-9]+$")
# Digits, then at most one decimal point with digits after it; the number of decimals is checked apart.
PRICE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class OrderForm(forms.Form):
    """The order page's own fields: the program, the end customer, and the submission key."""

    program = forms.CharField(widget=forms.HiddenInput, max_length=32)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=16)
    end_customer = forms.CharField(
        label=_("End customer"), max_length=200, error_messages={"required": _("Enter the end customer the licences are for.")}
    )
    end_customer_tax_id = forms.CharField(label=_("End customer tax id"), max_length=40, required=False)
    observations = forms.CharField(label=_("Observations"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, offered: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offered = offered

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex

    def clean(self) -> dict:
        cleaned = super().clean()
        # Told above the form, not on the hidden field (which would read as an expired form).
        if "program" in cleaned and cleaned["program"] not in self.offered:
            self.add_error(None, gettext("This program is not offered in your country."))
            del cleaned["program"]
        return cleaned


class OrderLinesForm(forms.Form):
    """The products of one program, each with an "Amount" and an optional "Special price".

    Fields are `amount-<product id>` and `price-<product id>`; an empty amount (or 0) leaves the
    product out. Each bad value is told on its own line, all at once.
    """

    def __init__(self, *args, products: list[Product], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.products = products
        for product in products:
            self.fields[f"amount-{product.pk}"] = forms.CharField(
                label=_("Amount"), required=False, max_length=12, widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "qty"})
            )
            self.fields[f"price-{product.pk}"] = forms.CharField(
                label=_("Special price"), required=False, max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "price-input"})
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        wanted: list[LineRequest] = []
        for product in self.products:
            amount_name, price_name = f"amount-{product.pk}", f"price-{product.pk}"
            if amount_name not in cleaned or price_name not in cleaned:
                continue  # already told (too long)
            quantity = self._quantity(cleaned[amount_name].strip())
            price = self._price(cleaned[price_name].strip(), product)
            if isinstance(quantity, str):
                self.add_error(amount_name, quantity)
                quantity = None
            if isinstance(price, str):
                self.add_error(price_name, price)
                price = None
            elif price is not None and not quantity and amount_name not in self.errors:
                self.add_error(amount_name, gettext("Enter the amount you order at this special price."))
            if quantity and not self.has_error(amount_name) and not self.has_error(price_name):
                wanted.append(LineRequest(product_id=product.pk, quantity=quantity, requested_price=price))
        if not self.errors:
            if not wanted:
                raise forms.ValidationError(gettext("Enter an amount for at least one product."))
            if len(wanted) > MAX_LINES:
                raise forms.ValidationError(gettext("An order holds at most %(max)d lines.") % {"max": MAX_LINES})
        cleaned["lines"] = wanted
        return cleaned

    @staticmethod
    def _quantity(value: str) -> int | None | str:
        """The amount typed, None when left empty or 0, or the message telling what is wrong."""
        if not value:
            return None
        if not WHOLE_NUMBER.match(value) or not int(value) <= MAX_QUANTITY:
            return gettext("The amount must be a whole number from 1 to %(max)d.") % {"max": MAX_QUANTITY}
        return int(value) or None

    @staticmethod
    def _price(value: str, product: Product) -> Decimal | None | str:
        """The special price typed, None when left empty, or the message telling what is wrong."""
        if not value:
            return None
        if not PRICE.match(value):
            return gettext("Type the special price with digits and a decimal point, like 8000.00.")
        try:
            price = Decimal(value)
        except InvalidOperation:
            return gettext("Type the special price with digits and a decimal point, like 8000.00.")
        if price != price.quantize(Decimal("0.01")):
            return gettext("A special price has at most two decimals.")
        if price <= 0:
            return gettext("A special price is an amount above zero.")
        if product.price is not None and price > product.price:
            return gettext("The special price is above the list price; leave it empty to pay the list price.")
        return price

    def rows(self) -> list[tuple[Product, forms.BoundField, forms.BoundField]]:
        """The table's rows: each product with its two inputs (and their errors)."""
        return [(product, self[f"amount-{product.pk}"], self[f"price-{product.pk}"]) for product in self.products]

    def field_for_product(self, product_id: int | None) -> str | None:
        """The field a service's refusal of a line is told on (the row shows its errors together)."""
        if product_id is None or f"amount-{product_id}" not in self.fields:
            return None
        return f"amount-{product_id}"


class OrderFilterForm(forms.Form):
    """The repository's search: order number or product in one box, status, and dates."""

    q = forms.CharField(label=_("Order number or product"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *LicenceOrder.State.choices])
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


class CounterOfferForm(forms.Form):
    """The reseller's answer to a counter-offer: accept, or decline with an optional reason."""

    action = forms.ChoiceField(choices=[("accept", _("Accept counter-offer")), ("decline", _("Decline counter-offer"))])
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    """"Cancel order": an optional reason and, for a processed order, the replacement order."""

    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, candidates: QuerySet[LicenceOrder] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["replacement"] = ReplacementField(
                queryset=candidates,
                label=_("Replacement order"),
                to_field_name="number",
                empty_label=_("Choose the replacement order"),
                error_messages={
                    "required": _("Choose the replacement order."),
                    "invalid_choice": _("Choose one of the orders listed as the replacement."),
                },
            )
            self.order_fields(["replacement", "reason"])


class ReplacementField(forms.ModelChoiceField):
    """A replacement order, shown with its date, program and total."""

    def label_from_instance(self, obj: LicenceOrder) -> str:
        return gettext("%(number)s · %(date)s · %(program)s · %(total)s %(currency)s") % {
            "number": obj.number,
            "date": date_format(localtime(obj.placed_at), "Y-m-d"),
            "program": obj.get_program_display(),
            "total": money_text(obj.total),
            "currency": obj.currency,
        }


class KeySearchForm(forms.Form):
    """"Distributed keys": one box for the product (name or SKU) or the order number."""

    q = forms.CharField(label=_("Product or order number"), required=False, max_length=100)
