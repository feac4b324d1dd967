from __future__ import annotations

import re
from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.selectors import SORTS, Filters

SLUG = re.compile(r"^[-a-z0-9_]{1,140}$")


class ListingForm(forms.Form):
    """The filters, sort and page of a listing, read from the query string.

    A bad value never breaks the page: it is reported on the filter form and left out of the query.
    """

    q = forms.CharField(required=False, max_length=200)
    brand = forms.MultipleChoiceField(required=False)
    sub = forms.MultipleChoiceField(required=False)
    attr = forms.MultipleChoiceField(required=False)
    stock = forms.BooleanField(label=_("In stock only"), required=False)
    min = forms.DecimalField(label=_("Minimum price"), required=False, min_value=0, max_digits=14, decimal_places=2)
    max = forms.DecimalField(label=_("Maximum price"), required=False, min_value=0, max_digits=14, decimal_places=2)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=[("", _("Relevance"))] + [(k, _(v)) for k, v in SORTS.items()])
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Choices are whatever is well formed; a slug that matches nothing simply lists nothing.
        for name in ("brand", "sub"):
            self.fields[name].valid_value = lambda value: bool(SLUG.match(value))  # type: ignore[method-assign]
        self.fields["attr"].valid_value = lambda value: ":" in value and len(value) <= 200  # type: ignore[method-assign]

    def clean(self) -> dict:
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("The maximum price must not be below the minimum price."))
        return cleaned

    def _value(self, name: str):
        return self.cleaned_data.get(name) if name not in self.errors else None

    def filters(self) -> Filters:
        """The valid part of what was asked: each field in error is left out."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        attributes = []
        for pair in self._value("attr") or []:
            name, _sep, value = pair.partition(":")
            if name.strip() and value.strip():
                attributes.append((name.strip(), value.strip()))
        price_range_bad = "min" in self.errors or "max" in self.errors
        return Filters(
            brands=tuple(self._value("brand") or ()),
            subcategories=tuple(self._value("sub") or ()),
            in_stock=bool(self._value("stock")),
            price_min=None if price_range_bad else self._value("min"),
            price_max=None if price_range_bad else self._value("max"),
            attributes=tuple(attributes),
            sort=self._value("sort") or "",
        )

    def page_number(self) -> int:
        return self._value("page") or 1
