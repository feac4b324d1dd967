from __future__ import annotations

import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.selectors import Pricing
from orders import services
from orders.forms import AddItemForm, AddMultipleForm, AddToCartForm, CheckoutForm, OrderFilterForm
from orders.imports import ImportFileError, rows_from_file, rows_from_text
from orders.models import Order
from orders.permissions import (
    cart_required,
    get_invoice_for_contact,
    get_order_for_contact,
    invoices_required,
    order_cancel_required,
    order_required,
    transactions_required,
)
from orders.selectors import cart_for_page, invoice_list_for_account, order_list_for_account
from orders.services import OrderError
from orders.statement import account_statement, statement_write_xlsx
from storefront.audit.services import Kind as AuditKind
from storefront.audit.services import security_event_record
from storefront.uploads import attachment_response

ORDERS_PAGE_SIZE = 25
INVOICES_PAGE_SIZE = 25
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


# --- the cart -------------------------------------------------------------------------------------


@cart_required
@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add to cart, from a listing row or the product page: a dialog through htmx, else a redirect."""
    form = AddToCartForm(request.POST)
    product = None
    line = None
    error = None
    if form.is_valid():
        try:
            # By id: the service reads the product once, with its price.
            line = services.cart_add(contact=request.contact, product=form.cleaned_data["product"], quantity=form.cleaned_data["quantity"])
        except OrderError as exc:
            error = exc.message
        else:
            product = line.product
    else:
        error = _("The amount must be a whole number from 1 to %(max)d.") % {"max": services.MAX_QUANTITY}
    if request.htmx:
        # The header's count, swapped out of band by the dialog: the count read with the signed-in user
        # when this request began, plus the line this add made (no query of its own).
        before = getattr(request.user, "cart_lines", None)
        if before is None:
            count = services.cart_count(contact=request.contact)
        else:
            count = before + (1 if line is not None and line.is_new else 0)
        response = render(
            request, "orders/partials/cart_added.html", {"product": product, "error": error, "quantity": form.data.get("quantity"), "cart_count": count}
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(name)s was added to your cart.") % {"name": product.name})
    return redirect(_back(request, "orders:cart"))


@require_GET
def dialog_close(request: HttpRequest) -> HttpResponse:
    """"Continue Shopping": htmx empties the dialog (a script-free close, under our CSP)."""
    return HttpResponse("")


@cart_required
@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    cart = cart_for_page(contact=request.contact, pricing=Pricing.for_contact(request.contact))
    return render(
        request,
        "orders/cart_detail.html",
        {"cart": cart, "add_item_form": AddItemForm(), "add_multiple_form": AddMultipleForm()},
    )


def _cart_page_with(request: HttpRequest, **forms) -> HttpResponse:
    cart = cart_for_page(contact=request.contact, pricing=Pricing.for_contact(request.contact))
    # The header's count was read with the user, before this request changed the cart.
    context = {"cart": cart, "cart_count": cart.count, "add_item_form": AddItemForm(), "add_multiple_form": AddMultipleForm(), **forms}
    return render(request, "orders/cart_detail.html", context, status=200)


@cart_required
@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    """"update": the amounts typed in the cart's lines."""
    quantities: dict[int, int] = {}
    bad = []
    for key, value in request.POST.items():
        if not key.startswith("quantity-"):
            continue
        try:
            line_id = int(key.removeprefix("quantity-"))
            quantity = int(value.strip())
        except ValueError:
            bad.append(value)
            continue
        if not 0 < line_id < 2**63:
            continue  # not a line of any cart
        quantities[line_id] = quantity
    if bad:
        messages.error(request, _("Amounts must be whole numbers (“%(value)s” is not).") % {"value": bad[0][:20]})
        return redirect("orders:cart")
    try:
        services.cart_update(contact=request.contact, quantities=quantities)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your cart was updated."))
    return redirect("orders:cart")


@cart_required
@require_POST
def cart_remove(request: HttpRequest, line_id: int) -> HttpResponse:
    """"remove": the line leaves the cart."""
    services.cart_remove(contact=request.contact, line_id=line_id)
    messages.success(request, _("The product was removed from your cart."))
    return redirect("orders:cart")


@cart_required
@require_POST
def cart_add_item(request: HttpRequest) -> HttpResponse:
    """"Add item to cart" by SKU or part number, from the cart page."""
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            line = services.cart_add_by_code(contact=request.contact, code=form.cleaned_data["code"], quantity=form.cleaned_data["quantity"])
        except OrderError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s was added to your cart.") % {"name": line.product.name})
            return redirect("orders:cart")
    return _cart_page_with(request, add_item_form=form)


@cart_required
@require_POST
def cart_add_multiple(request: HttpRequest) -> HttpResponse:
    """"Add multiple products": good lines are added together, bad ones are listed with their reason."""
    form = AddMultipleForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rows = rows_from_file(form.cleaned_data["file"]) if form.cleaned_data.get("file") else rows_from_text(form.cleaned_data["lines"])
            added, problems = services.cart_add_many(contact=request.contact, rows=rows)
        except ImportFileError as exc:
            form.add_error("file", str(exc))
        except OrderError as exc:
            form.add_error(None, exc.message)
        else:
            if added:
                messages.success(
                    request,
                    ngettext("%(count)d product was added to your cart.", "%(count)d products were added to your cart.", len(added))
                    % {"count": len(added)},
                )
            if not problems:
                return redirect("orders:cart")
            # Only the lines still to fix go back in the box: resubmitting must not add the good ones twice.
            retry = AddMultipleForm(initial={"lines": "\n".join(problem.text for problem in problems)})
            return _cart_page_with(request, add_multiple_form=retry, problems=problems)
    return _cart_page_with(request, add_multiple_form=form)


# --- Generate Order and Finish order --------------------------------------------------------------


@order_required
@require_http_methods(["GET", "POST"])
def checkout(request: HttpRequest) -> HttpResponse:
    """"Generate Order": the order to be, and the small form; "Finish order" places it."""
    pricing = Pricing.for_contact(request.contact)
    if request.method == "POST":
        form = CheckoutForm(request.POST, country=request.contact.account.country)
        if form.is_valid():
            try:
                order = services.order_place(contact=request.contact, **form.cleaned_data)
            except OrderError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                    return redirect("orders:order-placed", number=order.number)
    else:
        form = CheckoutForm(
            initial={"submission_key": CheckoutForm.new_key(), "payment_method": Order.Payment.CREDIT},
            country=request.contact.account.country,
        )
    cart = cart_for_page(contact=request.contact, pricing=pricing)
    if not cart.rows and request.method == "GET":
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    # What Finish order confirms: this total, with a fresh key if the form came back refused.
    if request.method == "POST":
        form.data = form.data.copy()
        form.data["expected_total"] = str(cart.total)
        if "submission_key" in form.errors:
            form.data["submission_key"] = CheckoutForm.new_key()
    else:
        form.initial["expected_total"] = cart.total
    return render(request, "orders/checkout.html", {"form": form, "cart": cart, "account": request.contact.account})


@transactions_required
@require_GET
def order_placed(request: HttpRequest, number: str) -> HttpResponse:
    order = get_order_for_contact(request, number)
    return render(request, "orders/order_placed.html", {"order": order})


# --- Transactions: order status -------------------------------------------------------------------


@transactions_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    form = OrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    orders = order_list_for_account(
        contact=request.contact,
        status=filters.get("status", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(orders, ORDERS_PAGE_SIZE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(request, "orders/order_list.html", {"form": form, "page": page, "query_without_page": kept.urlencode()})


@transactions_required
@require_GET
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = get_order_for_contact(request, number)
    return render(request, "orders/order_detail.html", {"order": order})


@order_cancel_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    order = get_order_for_contact(request, number)
    try:
        services.order_cancel(contact=request.contact, order=order)
    except OrderError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Order %(number)s is cancelled; its stock and credit are released.") % {"number": order.number})
    return redirect("orders:order-detail", number=order.number)


# --- Invoices and statement ---


@invoices_required
@require_GET
def invoice_list(request: HttpRequest) -> HttpResponse:
    """Transactions, Invoices: the account's invoices, newest first, paid or open."""
    invoices = invoice_list_for_account(contact=request.contact)
    page = Paginator(invoices, INVOICES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "orders/invoice_list.html", {"page": page, "today": timezone.localdate()})


@invoices_required
@require_GET
def invoice_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """An invoice's PDF, as it was issued, downloaded."""
    invoice = get_invoice_for_contact(request, number)
    if not invoice.pdf:
        raise Http404("This invoice has no PDF.")
    try:
        stream = invoice.pdf.open("rb")
    except OSError:
        raise Http404("This invoice's PDF is not available.") from None
    security_event_record(kind=AuditKind.INVOICE_DOWNLOADED, actor=request.contact, detail={"invoice": invoice.number})
    # The account's own document: no shared cache may keep it.
    return attachment_response(stream, filename=f"{invoice.number}.pdf", content_type="application/pdf")


@invoices_required
@require_GET
def statement(request: HttpRequest) -> HttpResponse:
    """Account statement: the credit line and the open invoices by age."""
    data = account_statement(account=request.contact.account, today=timezone.localdate())
    return render(request, "orders/statement.html", {"statement": data})


@invoices_required
@require_GET
def statement_xlsx(request: HttpRequest) -> HttpResponse:
    """The account statement as an Excel (XLSX) file."""
    data = account_statement(account=request.contact.account, today=timezone.localdate())
    stream = io.BytesIO()
    statement_write_xlsx(data, stream)
    stream.seek(0)
    filename = f"statement-{slugify(data.account.customer_code)}-{data.today.isoformat()}.xlsx"
    security_event_record(kind=AuditKind.STATEMENT_EXPORTED, actor=request.contact, detail={"day": data.today.isoformat()})
    return attachment_response(stream, filename=filename, content_type=XLSX_CONTENT_TYPE)
