"""The sales executive's console: the held licensing orders of its own accounts, and its decisions.

Each decision is a plain form post to its own URL, which calls one service and redirects to the
order's page; a refusal re-renders that page with the form as it was typed and the message beside
the field it concerns (or at the top of the page when the form is no longer offered).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from licensing import services
from licensing.forms.console import (
    NEEDS_REPLACEMENT,
    ApproveForm,
    CancelForm,
    CounterOfferForm,
    RejectForm,
    console_actions,
    list_rows,
    order_figures,
)
from licensing.models import LicenceOrder
from licensing.permissions import get_vl_order_for_executive, sales_console_required
from licensing.selectors import console_orders_for, replacement_candidates
from licensing.services import LicensingError

CONSOLE_PAGE_SIZE = 25
# Each form posts under its own prefix, so two forms of the page never share an input's name or id.
PREFIXES = {"approve": "approve", "reject": "reject", "counter_offer": "counter", "cancel": "cancel"}


def _cancel_form(order: LicenceOrder, data: QueryDict | None = None) -> CancelForm:
    candidates = replacement_candidates(order=order) if order.state in NEEDS_REPLACEMENT else None
    return CancelForm(data, order=order, candidates=candidates, prefix=PREFIXES["cancel"])


def _detail_page(request: HttpRequest, order: LicenceOrder, *, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    actions = console_actions(order)
    forms_shown: dict[str, forms.Form | None] = {
        "approve": ApproveForm(prefix=PREFIXES["approve"]),
        "reject": RejectForm(prefix=PREFIXES["reject"]),
        "counter_offer": CounterOfferForm(order=order, prefix=PREFIXES["counter_offer"]) if actions.counter_offer else None,
        "cancel": _cancel_form(order) if actions.cancel else None,
    }
    # The form that was posted comes back bound, with what was typed and its errors.
    forms_shown.update(bound or {})
    context = {
        "order": order,
        "account": order.account,
        "actions": actions,
        "figures": order_figures(order),
        "has_counter_prices": any(line.counter_price is not None for line in order.lines.all()),
        **{f"{name}_form": form for name, form in forms_shown.items()},
    }
    return render(request, "licensing/console_detail.html", context)


def _refused(request: HttpRequest, order: LicenceOrder, action: str, form: forms.Form, exc: LicensingError | None = None) -> HttpResponse:
    """The order's page again, with the form as typed and why it was refused."""
    if exc is not None:
        # The service read the order under its lock: show the state it found, not the one this request read.
        order = get_vl_order_for_executive(request, order.number)
    offered = getattr(console_actions(order), action)
    if exc is not None:
        if offered:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.error(request, exc.message)
    elif not offered:
        # A form the page no longer shows cannot carry its errors: they go to the top of the page.
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return _detail_page(request, order, bound={action: form})


@sales_console_required
@require_GET
def console_list(request: HttpRequest) -> HttpResponse:
    """"Sales console": the held licensing orders of the executive's accounts, oldest first (or all of them)."""
    show_all = request.GET.get("show") == "all"
    orders = console_orders_for(user=request.user, held_only=not show_all)
    page = Paginator(orders, CONSOLE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licensing/console_list.html", {"page": page, "rows": list_rows(page.object_list), "show_all": show_all})


@sales_console_required
@require_GET
def console_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A licensing order of the executive's accounts: credit, lines and differences, decisions, history."""
    return _detail_page(request, get_vl_order_for_executive(request, number))


@sales_console_required
@require_POST
def console_approve(request: HttpRequest, number: str) -> HttpResponse:
    """"Approve": the special prices are accepted and the order goes on to the manufacturer."""
    order = get_vl_order_for_executive(request, number)
    form = ApproveForm(request.POST, prefix=PREFIXES["approve"])
    if not form.is_valid():
        return _refused(request, order, "approve", form)
    try:
        services.vl_order_approve(actor=request.user, order=order, note=form.cleaned_data["note"])
    except LicensingError as exc:
        return _refused(request, order, "approve", form, exc)
    messages.success(request, _("Order %(number)s is approved; the reseller is told by email.") % {"number": order.number})
    return redirect("licensing:console-detail", number=order.number)


@sales_console_required
@require_POST
def console_reject(request: HttpRequest, number: str) -> HttpResponse:
    """"Reject" with a reason: the order is closed and its credit returns to the account."""
    order = get_vl_order_for_executive(request, number)
    form = RejectForm(request.POST, prefix=PREFIXES["reject"])
    if not form.is_valid():
        return _refused(request, order, "reject", form)
    try:
        services.vl_order_reject(actor=request.user, order=order, reason=form.cleaned_data["reason"])
    except LicensingError as exc:
        return _refused(request, order, "reject", form, exc)
    messages.success(
        request, _("Order %(number)s is rejected; its credit is returned to the account and the reseller is told by email.") % {"number": order.number}
    )
    return redirect("licensing:console-detail", number=order.number)


@sales_console_required
@require_POST
def console_counter_offer(request: HttpRequest, number: str) -> HttpResponse:
    """"Send counter-offer": a price per line, which the reseller accepts or declines."""
    order = get_vl_order_for_executive(request, number)
    form = CounterOfferForm(request.POST, order=order, prefix=PREFIXES["counter_offer"])
    if not form.is_valid():
        return _refused(request, order, "counter_offer", form)
    try:
        services.vl_order_counter_offer(actor=request.user, order=order, prices=form.prices(), note=form.cleaned_data["note"])
    except LicensingError as exc:
        return _refused(request, order, "counter_offer", form, exc)
    messages.success(request, _("Your counter-offer on order %(number)s was sent to the reseller.") % {"number": order.number})
    return redirect("licensing:console-detail", number=order.number)


@sales_console_required
@require_POST
def console_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """"Cancel order": before processing, or within the window by a replacement order; the credit returns."""
    order = get_vl_order_for_executive(request, number)
    form = _cancel_form(order, request.POST)
    if not form.is_valid():
        return _refused(request, order, "cancel", form)
    try:
        services.vl_order_cancel(
            actor=request.user, order=order, replacement=form.cleaned_data.get("replacement"), reason=form.cleaned_data["reason"]
        )
    except LicensingError as exc:
        return _refused(request, order, "cancel", form, exc)
    messages.success(request, _("Order %(number)s is cancelled; its credit is returned to the account.") % {"number": order.number})
    return redirect("licensing:console-detail", number=order.number)

