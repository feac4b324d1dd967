from __future__ import annotations

from django import forms
from django.utils.translation import gettext, gettext_lazy as _

from orders.models import Order
from rma.models import RmaRequest


class OrderStepForm(forms.Form):
    """Step 1 of "RMA Request": the order, and who we talk to about the request."""

    order_number = forms.CharField(label=_("Order number"), max_length=20)
    contact_name = forms.CharField(label=_("Contact name"), max_length=150)
    contact_email = forms.EmailField(label=_("Contact email"))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=40, required=False)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ClaimStepForm(forms.Form):
    """Step 2 of "RMA Request": the product of that order, and the claim."""

    order_line = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999, initial=1)
    claim_type = forms.ChoiceField(label=_("Type of claim"), choices=[("", "---------"), *RmaRequest.ClaimType.choices])
    details = forms.CharField(label=_("Details of the problem"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    serial_number = forms.CharField(
        label=_("Serial number"), max_length=80, required=False, help_text=_("Required for hardware.")
    )
    attachments = MultipleFileField(
        label=_("Photos or documents"),
        required=False,
        help_text=_("PDF, JPG or PNG, at most 5 MB each, up to 10 files."),
    )

    def __init__(self, *args, order: Order, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order_line"].choices = [("", "---------")] + [
            (line.pk, gettext("%(sku)s · %(name)s (%(count)d ordered)") % {"sku": line.sku, "name": line.name, "count": line.quantity}) for line in order.lines.all()
        ]
