from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.http import QueryDict
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from quotes.models import Customer, ProfitKind
from quotes.services import MAX_QUANTITY, LineChange, QuoteError


class AddToQuoteForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = forms.IntegerField(label=_lazy("Amount"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class AddItemForm(forms.Form):
    code = forms.CharField(label=_lazy("SKU or part number"), max_length=80)
    quantity = forms.IntegerField(label=_lazy("Amount"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class QuoteForm(forms.Form):
    """The quote page's own fields; the lines' fields are read by line_changes()."""

    customer = forms.TypedChoiceField(label=_lazy("Customer"), required=False, coerce=int, empty_value=None)
    profit_kind = forms.ChoiceField(label=_lazy("Profit for the whole quote"), choices=ProfitKind.choices)
    profit_value = forms.DecimalField(label=_lazy("Profit value"), max_digits=14, decimal_places=2)
    valid_until = forms.DateField(label=_lazy("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_lazy("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, customers: list[Customer], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [("", _("— no customer yet —"))] + [(c.pk, c.company) for c in customers]


class CustomerForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["company", "contact_name", "tax_id", "address", "email", "phone"]


# A comma only as an English thousands separator ("1,250.50"). The page writes the values back with a
# point (unlocalized), so "1,5" or a Spanish "12,000" is someone's decimal comma: refused, not read
# as 15 or 12000.
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _decimal(raw: str) -> Decimal | None:
    raw = raw.strip()
    if "," in raw:
        if get_format("DECIMAL_SEPARATOR") != "." or not THOUSANDS.fullmatch(raw):
            raise QuoteError(_("“%(value)s” is not a number.") % {"value": raw[:20]})
        raw = raw.replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise QuoteError(_("“%(value)s” is not a number.") % {"value": raw[:20]}) from None
    if not value.is_finite() or abs(value) >= Decimal("1e12") or value != value.quantize(Decimal("0.01")):
        raise QuoteError(_("“%(value)s” is not an amount with at most two decimals.") % {"value": raw[:20]})
    return value


def line_changes(data: QueryDict, line_ids: list[int]) -> dict[int, LineChange]:
    """The amounts and profits typed in the quote's lines: quantity-<id>, profit_kind-<id>, profit_value-<id>."""
    changes: dict[int, LineChange] = {}
    for line_id in line_ids:
        raw_quantity = data.get(f"quantity-{line_id}")
        if raw_quantity is None:
            continue
        try:
            quantity = int(raw_quantity.strip())
        except ValueError:
            raise QuoteError(
                _("Amounts must be whole numbers (“%(value)s” is not).") % {"value": raw_quantity[:20]}, field=f"quantity-{line_id}"
            ) from None
        kind = data.get(f"profit_kind-{line_id}", "")
        value = _decimal(data.get(f"profit_value-{line_id}", ""))
        if kind and kind not in ProfitKind.values:
            kind = ""
        changes[line_id] = LineChange(quantity=quantity, profit_kind=kind, profit_value=value)
    return changes
