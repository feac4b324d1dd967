"""The reseller's pages of volume licensing: the order page, the repository of licensing orders, an
order's page with its answers (counter-offer, cancellation), the eCertificate, and My Downloads."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import contact_required
from licensing import services
from licensing.forms.reseller import CancelForm, CounterOfferForm, KeySearchForm, OrderFilterForm, OrderForm, OrderLinesForm
from licensing.models import LicenceOrder, Program
from licensing.permissions import downloads_required, get_vl_order_for_contact, licensing_required
from licensing.selectors import (
    distributed_keys_for_account,
    licence_products_for_order,
    order_replaced_by,
    purchased_licences_for_account,
    replacement_candidates,
    vl_order_list_for_account,
)
from licensing.services import LicensingError
from storefront.uploads import attachment_response

State = LicenceOrder.State
PAGE_SIZE = 25
# Once the manufacturer has processed an order, only a replacement order cancels it.
AFTER_PROCESSING = (State.PROCESSED, State.RECEIVED)


def _query_without_page(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("page", None)
    return kept.urlencode()


# --- Volume Licensing: the order page -------------------------------------------------------------


@licensing_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest) -> HttpResponse:
    """"Volume Licensing": a program's products with an amount and a special price each; "Finish order"."""
    contact = request.contact
    account = contact.account
    offered = services.programs_offered(account.country)
    programs = [(value, Program(value).label) for value in offered]
    if not offered:
        return render(request, "licensing/order_new.html", {"programs": programs, "account": account})

    if request.method == "POST":
        form = OrderForm(request.POST, offered=offered)
        program = request.POST.get("program", "")
        program = program if program in offered else None
    else:
        program = request.GET.get("program") or offered[0]
        if program not in offered:
            messages.error(request, _("This program is not offered in your country."))
            program = offered[0]
        form = OrderForm(offered=offered, initial={"program": program, "submission_key": OrderForm.new_key()})

    products = licence_products_for_order(contact=contact, program=program) if program else []
    lines_form = OrderLinesForm(request.POST if request.method == "POST" and program else None, products=products)
    if request.method == "POST":
        # Both forms are checked, so every mistake on the page is told at once.
        valid = form.is_valid()
        valid = lines_form.is_valid() and valid
        if valid:
            try:
                order = services.vl_order_place(
                    contact=contact,
                    program=program,
                    end_customer=form.cleaned_data["end_customer"],
                    end_customer_tax_id=form.cleaned_data["end_customer_tax_id"],
                    observations=form.cleaned_data["observations"],
                    lines=lines_form.cleaned_data["lines"],
                    submission_key=form.cleaned_data["submission_key"],
                )
            except LicensingError as exc:
                _tell_refusal(exc, form, lines_form)
            else:
                if order.state == State.ON_HOLD:
                    messages.success(request, _("Order %(number)s is on hold, awaiting your sales executive's approval.") % {"number": order.number})
                else:
                    messages.success(request, _("Order %(number)s was placed.") % {"number": order.number})
                return redirect("licensing:order-detail", number=order.number)
    context = {
        "programs": programs,
        "program": program,
        "program_label": Program(program).label if program else "",
        "form": form,
        "lines_form": lines_form,
        "account": account,
    }
    return render(request, "licensing/order_new.html", context)


def _tell_refusal(exc: LicensingError, form: OrderForm, lines_form: OrderLinesForm) -> None:
    """A service's refusal, on the line or the field it names, else above the form."""
    line_field = lines_form.field_for_product(exc.line)
    if line_field is not None:
        lines_form.add_error(line_field, exc.message)
    elif exc.field == "lines":
        lines_form.add_error(None, exc.message)
    elif exc.field in form.fields and not form.fields[exc.field].widget.is_hidden:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


# --- the repository -------------------------------------------------------------------------------


@licensing_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    """"Volume Licensing orders": the account's licensing orders, kept without limit, searchable."""
    form = OrderFilterForm(request.GET or None)
    filters: dict = {}
    if form.is_bound:
        form.is_valid()
        # A bad date is told on its field; the filters typed well still apply.
        filters = form.cleaned_data
    orders = vl_order_list_for_account(
        contact=request.contact,
        query=filters.get("q", ""),
        status=filters.get("status", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licensing/order_list.html", {"form": form, "page": page, "query_without_page": _query_without_page(request)})


# --- one order ------------------------------------------------------------------------------------


@licensing_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    """A licensing order: its status and why, lines, keys, eCertificate, history, and what may be done."""
    order = get_vl_order_for_contact(request, number)
    return render(request, "licensing/order_detail.html", _detail_context(order))


def _detail_context(order: LicenceOrder) -> dict:
    context: dict = {
        "order": order,
        "contact_may_cancel": order.state in services.CONTACT_CANCELLABLE,
        "counter_offer_form": CounterOfferForm() if order.state == State.COUNTER_OFFER else None,
        "after_processing": order.state in AFTER_PROCESSING,
        "replaces": None,
    }
    if context["contact_may_cancel"] or context["after_processing"]:
        # A replacement order is cancelled by the sales executive only: no form the service would refuse.
        context["replaces"] = order_replaced_by(order=order)
        if context["replaces"] is not None:
            return context
    if order.state in AFTER_PROCESSING:
        refusal = services.cancel_refusal(order)
        context["cancel_refusal"] = refusal
        if refusal is None:
            context["cancel_deadline"] = services.cancel_deadline(order)
            candidates = list(replacement_candidates(order=order))
            context["replacement_candidates"] = candidates
    return context


@licensing_required
@require_POST
def counter_offer_answer(request: HttpRequest, number: str) -> HttpResponse:
    """"Accept counter-offer" or "Decline counter-offer" (with an optional reason)."""
    order = get_vl_order_for_contact(request, number)
    form = CounterOfferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to decline the counter-offer; a reason holds at most 500 characters."))
        return redirect("licensing:order-detail", number=order.number)
    try:
        if form.cleaned_data["action"] == "accept":
            services.vl_counter_offer_accept(contact=request.contact, order=order)
        else:
            services.vl_counter_offer_decline(contact=request.contact, order=order, reason=form.cleaned_data["reason"])
    except LicensingError as exc:
        messages.error(request, exc.message)
    else:
        if form.cleaned_data["action"] == "accept":
            messages.success(request, _("You accepted the counter-offer: order %(number)s is approved.") % {"number": order.number})
        else:
            messages.success(request, _("You declined the counter-offer: order %(number)s is cancelled and its credit returned.") % {"number": order.number})
    return redirect("licensing:order-detail", number=order.number)


@licensing_required
@require_http_methods(["GET", "POST"])
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    """"Cancel order": a confirmation page, then the cancellation (by a replacement order once processed)."""
    order = get_vl_order_for_contact(request, number)
    after_processing = order.state in AFTER_PROCESSING
    refusal = services.cancel_refusal(order) if after_processing else None
    offered = order.state in services.CONTACT_CANCELLABLE or (after_processing and refusal is None)
    if request.method == "GET" and (not offered or order_replaced_by(order=order) is not None):
        # The order's page tells why it cannot be cancelled here, and whom to ask.
        return redirect("licensing:order-detail", number=order.number)
    # A POST in any other state still goes to the service, which says why it refuses.
    candidates = replacement_candidates(order=order) if after_processing and refusal is None else None
    if request.method == "GET" and candidates is not None and not candidates.exists():
        # The order's page explains that a replacement order must be placed first, and links to it.
        return redirect("licensing:order-detail", number=order.number)

    if request.method == "POST":
        form = CancelForm(request.POST, candidates=candidates)
        if form.is_valid():
            try:
                services.vl_order_cancel(
                    actor=request.user, order=order, replacement=form.cleaned_data.get("replacement"), reason=form.cleaned_data["reason"]
                )
            except LicensingError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Order %(number)s is cancelled; its credit is returned to your account.") % {"number": order.number})
            return redirect("licensing:order-detail", number=order.number)
    else:
        form = CancelForm(candidates=candidates, initial={"replacement": request.GET.get("replacement", "")[:20]})
    context = {
        "order": order,
        "form": form,
        "after_processing": after_processing,
        "cancel_deadline": services.cancel_deadline(order),
    }
    # From the order's page, htmx asks for the confirmation alone and shows it as a dialog.
    template = "licensing/order_cancel.html#confirm" if request.htmx else "licensing/order_cancel.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@contact_required
@require_GET
def certificate_download(request: HttpRequest, number: str) -> HttpResponse:
    """"Download eCertificate": the order's eCertificate PDF, once it is available."""
    order = get_vl_order_for_contact(request, number, certificate=True)
    if not order.certificate_available:
        raise Http404("The eCertificate of this order is not available yet.")
    try:
        stream = order.certificate.open("rb")
    except OSError:
        raise Http404("The eCertificate of this order is not available.") from None
    # The account's own document: no shared cache may keep it.
    return attachment_response(stream, filename=f"{order.number}-ecertificate.pdf", content_type="application/pdf")


# --- My Downloads ---------------------------------------------------------------------------------


@downloads_required
@require_GET
def downloads_licenses(request: HttpRequest) -> HttpResponse:
    """My Downloads, "purchased licenses": per processed or received order, its licences and keys."""
    orders = purchased_licences_for_account(contact=request.contact)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licensing/downloads_licenses.html", {"page": page, "query_without_page": _query_without_page(request)})


@downloads_required
@require_GET
def downloads_keys(request: HttpRequest) -> HttpResponse:
    """My Downloads, "Distributed keys": the keys handed out, with product, order and date."""
    form = KeySearchForm(request.GET or None)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    keys = distributed_keys_for_account(contact=request.contact, query=query)
    page = Paginator(keys, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "licensing/downloads_keys.html", {"form": form, "page": page, "query_without_page": _query_without_page(request)})
