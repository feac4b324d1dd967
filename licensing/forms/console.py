"""The sales executive's console: the decision forms, and the differences an order's page shows.

The forms check the shape of what was typed (a reason given, a price that is a number with two
decimals, not above the list price, a replacement among the account's candidates); the services
check the rules again under their locks, and their refusal lands on the same field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from licensing.models import LicenceOrder, LicenceOrderLine
from licensing.services import cancel_deadline, cancel_refusal
from storefront.money import money, money_text

State = LicenceOrder.State
# The history keeps a note of this length (the order keeps the reason at 500): accept no more, so the
# reseller's and the history's copies are the same text.
NOTE_MAX = 255
# States in which the order was processed: a cancellation needs a replacement order.
NEEDS_REPLACEMENT = (State.PROCESSED, State.RECEIVED)


def _note(label: str | Promise, *, required: bool, required_message: str | Promise = "") -> forms.CharField:
    messages = {"required": required_message} if required_message else {}
    return forms.CharField(
        label=label,
        required=required,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NOTE_MAX}),
        error_messages=messages,
    )


class ApproveForm(forms.Form):
    """"Approve": an optional note for the reseller."""

    note = _note(_("Note for the reseller (optional)"), required=False)


class RejectForm(forms.Form):
    """"Reject": the reason, which the reseller reads."""

    reason = _note(_("Reason"), required=True, required_message=_("Give the reason for the rejection: the reseller reads it."))


class CounterOfferForm(forms.Form):
    """A counter-offer: the price offered for each line of the order (`price-<line id>`), and a note."""

    note = _note(_("Note for the reseller (optional)"), required=False)

    def __init__(self, *args, order: LicenceOrder, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lines: list[LicenceOrderLine] = list(order.lines.all())
        for line in self.lines:
            self.fields[self.field_name(line)] = self._price_field(line, order.currency)

    @staticmethod
    def field_name(line: LicenceOrderLine) -> str:
        return f"price-{line.pk}"

    @staticmethod
    def _price_field(line: LicenceOrderLine, currency: str) -> forms.DecimalField:
        list_price = money_text(line.list_price)
        return forms.DecimalField(
            label=gettext("Price offered for %(sku)s") % {"sku": line.sku},
            max_digits=14,
            decimal_places=2,
            min_value=Decimal("0.01"),
            max_value=line.list_price,
            initial=line.requested_price if line.requested_price is not None else line.list_price,
            # The field adds step, min and max to the input, so a browser refuses those before sending.
            widget=forms.NumberInput(attrs={"class": "console-price"}),
            error_messages={
                "required": gettext("Enter the price you offer for %(sku)s.") % {"sku": line.sku},
                "invalid": gettext("Enter the price as a number, for example 8000.00."),
                "min_value": gettext("The price must be above zero."),
                # Formatted here as the page shows it; the text keeps no placeholder for Django to fill.
                "max_value": gettext("The offer is above the list price (%(price)s %(currency)s).")
                % {"price": list_price, "currency": currency},
                "max_decimal_places": gettext("Use at most two decimals."),
                "max_digits": gettext("This amount is too large."),
                "max_whole_digits": gettext("This amount is too large."),
            },
        )

    def line_fields(self) -> list[tuple[LicenceOrderLine, BoundField]]:
        """Each line of the order beside its price input."""
        return [(line, self[self.field_name(line)]) for line in self.lines]

    def prices(self) -> dict[int, Decimal]:
        """The prices typed, by line id: only the order's own lines are read."""
        return {line.pk: self.cleaned_data[self.field_name(line)] for line in self.lines}


class ReplacementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: LicenceOrder) -> str:
        total = money_text(obj.total)
        return gettext("%(number)s · placed %(date)s · %(total)s %(currency)s · %(status)s") % {
            "number": obj.number,
            "date": date_format(timezone.localtime(obj.placed_at), "Y-m-d"),
            "total": total,
            "currency": obj.currency,
            "status": obj.get_state_display(),
        }


class CancelForm(forms.Form):
    """"Cancel order": the reason and, for a processed order, the replacement order chosen."""

    reason = _note(_("Reason"), required=True, required_message=_("Give the reason for the cancellation: the reseller reads it."))

    def __init__(self, *args, order: LicenceOrder, candidates: QuerySet[LicenceOrder] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if order.state in NEEDS_REPLACEMENT:
            self.fields["replacement"] = ReplacementChoiceField(
                label=_("Replacement order"),
                queryset=candidates if candidates is not None else LicenceOrder.objects.none(),
                empty_label=gettext("— choose the replacement order —"),
                help_text=_("An order of the same account, placed after this one was processed, worth as much or more."),
                error_messages={
                    "required": gettext("Choose the replacement order: a processed order is cancelled only by one."),
                    "invalid_choice": gettext("Choose one of the account's orders listed as the replacement."),
                },
            )


# --- what the console shows -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConsoleActions:
    """Which of the console's forms an order's page offers, from its state and the cancellation rules."""

    approve: bool
    reject: bool
    counter_offer: bool
    cancel: bool
    needs_replacement: bool
    cancel_refusal: str | None
    cancel_deadline: datetime | None

    @property
    def decide(self) -> bool:
        return self.approve or self.reject or self.counter_offer


def console_actions(order: LicenceOrder) -> ConsoleActions:
    """The executive decides an order on hold (a counter-offer waits for the reseller's answer, which
    is the only way from it to "approved"); any move ALLOWED_TRANSITIONS refuses is not offered."""
    allowed = LicenceOrder.ALLOWED_TRANSITIONS[order.state]
    deciding = order.state == State.ON_HOLD
    needs_replacement = order.state in NEEDS_REPLACEMENT
    refusal = cancel_refusal(order) if needs_replacement else None
    return ConsoleActions(
        approve=deciding and State.APPROVED in allowed,
        reject=deciding and State.REJECTED in allowed,
        counter_offer=deciding and State.COUNTER_OFFER in allowed,
        cancel=State.CANCELLED in allowed and refusal is None,
        needs_replacement=needs_replacement,
        cancel_refusal=refusal,
        cancel_deadline=cancel_deadline(order) if needs_replacement else None,
    )


@dataclass(frozen=True)
class Difference:
    """Requested minus list: the amount (negative when the reseller asks for less) and its percentage."""

    amount: Decimal
    percent: Decimal

    @classmethod
    def between(cls, asked: Decimal, listed: Decimal) -> Difference:
        amount = asked - listed
        percent = money(amount * 100 / listed) if listed else Decimal("0.00")
        return cls(amount=amount, percent=percent)


@dataclass(frozen=True)
class LineRow:
    """A line as the console shows it: the price asked, the difference per unit and per line."""

    line: LicenceOrderLine
    asked: Decimal
    per_unit: Difference
    per_line: Decimal


@dataclass(frozen=True)
class OrderFigures:
    rows: list[LineRow]
    list_total: Decimal
    requested_total: Decimal
    difference: Difference


def order_figures(order: LicenceOrder) -> OrderFigures:
    """The lines with their differences, and the order's totals."""
    rows = []
    for line in order.lines.all():
        asked = line.requested_price if line.requested_price is not None else line.list_price
        rows.append(
            LineRow(
                line=line,
                asked=asked,
                per_unit=Difference.between(asked, line.list_price),
                per_line=money(line.difference * line.quantity),
            )
        )
    return OrderFigures(
        rows=rows,
        list_total=order.list_total,
        requested_total=order.total,
        difference=Difference.between(order.total, order.list_total),
    )


@dataclass(frozen=True)
class ListRow:
    order: LicenceOrder
    difference: Difference


def list_rows(orders: list[LicenceOrder]) -> list[ListRow]:
    """The console's rows: each order with its requested total's difference from the list total."""
    return [ListRow(order=order, difference=Difference.between(order.total, order.list_total)) for order in orders]
