from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.models import Product
from catalog.selectors import Filters, Pricing, Scope, product_listing
from quotes import services
from quotes.forms import AddItemForm, AddToQuoteForm, CustomerForm, QuoteForm, line_changes
from quotes.models import Quote
from quotes.permissions import (
    get_customer_for_contact,
    get_quote_for_contact,
    get_quote_for_token,
    quote_to_cart_required,
    quotes_required,
)
from quotes.selectors import (
    current_quote_number,
    customers_for_account,
    quote_history,
    quote_list_for_account,
    quote_priced_for_page,
)
from quotes.services import QuoteError
from storefront.uploads import attachment_response

QUOTES_PAGE_SIZE = 25
SEARCH_RESULTS = 10


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.META.get("HTTP_REFERER") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


def _htmx_render(request: HttpRequest, template: str, context: dict, **kwargs) -> HttpResponse:
    response = render(request, template, context, **kwargs)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- Add to quote, and the current quote -----------------------------------------------------------


@quotes_required
@require_POST
def quote_add(request: HttpRequest) -> HttpResponse:
    """"Add to quote" from the product page: a dialog through htmx, else a redirect."""
    form = AddToQuoteForm(request.POST)
    product = None
    error = None
    if form.is_valid():
        product = Product.objects.filter(pk=form.cleaned_data["product"], is_active=True).first()
        if product is None:
            # Said in the dialog: a bare 404 would leave the button doing nothing.
            error = _("This product is no longer sold.")
        else:
            try:
                line = services.quote_add(contact=request.contact, product=product, quantity=form.cleaned_data["quantity"])
            except QuoteError as exc:
                error = exc.message
    else:
        error = _("The amount must be a whole number from 1 to %(max)d.") % {"max": services.MAX_QUANTITY}
    if request.htmx:
        number = None if error else line.quote.number
        context = {"product": product, "error": error, "quantity": form.data.get("quantity"), "number": number}
        return _htmx_render(request, "quotes/partials/quote_added.html", context)
    if error:
        messages.error(request, error)
        return redirect(_back(request, "quotes:quote-list"))
    messages.success(request, _("%(name)s was added to quote %(number)s.") % {"name": product.name, "number": line.quote.number})
    return redirect(_back(request, "quotes:quote-list"))


@quotes_required
@require_GET
def quote_current(request: HttpRequest) -> HttpResponse:
    """"Go to the quote": the contact's current quote."""
    number = current_quote_number(contact=request.contact)
    if number is None:
        messages.info(request, _("You have no current quote: use “Add to quote” on a product to start one."))
        return redirect("quotes:quote-list")
    return redirect("quotes:quote-detail", number=number)


# --- the list ---------------------------------------------------------------------------------------


@quotes_required
@require_GET
def quote_list(request: HttpRequest) -> HttpResponse:
    """The account's quotes: number, customer, date, total, who made it."""
    page = Paginator(quote_list_for_account(contact=request.contact), QUOTES_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [quote_priced_for_page(quote=quote) for quote in page.object_list]
    return render(request, "quotes/quote_list.html", {"page": page, "rows": rows})


# --- the quote page ---------------------------------------------------------------------------------


def _quote_page(request: HttpRequest, quote: Quote, *, form: QuoteForm | None = None, status: int = 200, **extra) -> HttpResponse:
    customers = customers_for_account(contact=request.contact)
    if form is None:
        form = QuoteForm(
            customers=customers,
            initial={
                "customer": quote.customer_id,
                "profit_kind": quote.profit_kind,
                "profit_value": quote.profit_value,
                "valid_until": quote.valid_until,
                "notes": quote.notes,
            },
        )
    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        pricing = Pricing.for_contact(request.contact)
        results = list(product_listing(scope=Scope(kind="search", query=query), filters=Filters(), pricing=pricing)[:SEARCH_RESULTS])
    context = {
        "quote": quote,
        "priced": quote_priced_for_page(quote=quote),
        "form": form,
        "customers": customers,
        "customer_form": CustomerForm(instance=quote.customer, prefix="edit") if quote.customer else None,
        "new_customer_form": CustomerForm(prefix="new"),
        "add_item_form": AddItemForm(),
        "query": query,
        "results": results,
        "is_current": quote.current_for_id == request.contact.pk,
        "history": quote_history(quote=quote),
        **extra,
    }
    return render(request, "quotes/quote_detail.html", context, status=status)


@quotes_required
@require_GET
def quote_detail(request: HttpRequest, number: str) -> HttpResponse:
    quote = get_quote_for_contact(request, number)
    return _quote_page(request, quote)


def _bound(request: HttpRequest, quote: Quote) -> tuple[QuoteForm, dict]:
    form = QuoteForm(request.POST, customers=customers_for_account(contact=request.contact))
    changes = line_changes(request.POST, [line.pk for line in quote.lines.all()])
    return form, changes


@quotes_required
@require_POST
def quote_preview(request: HttpRequest, number: str) -> HttpResponse:
    """The totals as the values change (htmx): nothing is saved."""
    quote = get_quote_for_contact(request, number)
    error = None
    priced = None
    try:
        form, changes = _bound(request, quote)
        if not form.is_valid():
            raise QuoteError(next(iter(form.errors.values()))[0])
        priced = services.quote_preview(
            quote=quote, changes=changes, profit_kind=form.cleaned_data["profit_kind"], profit_value=form.cleaned_data["profit_value"]
        )
    except QuoteError as exc:
        error = exc.message
    return _htmx_render(request, "quotes/partials/quote_totals.html", {"quote": quote, "priced": priced, "error": error, "oob": True})


@quotes_required
@require_POST
def quote_save(request: HttpRequest, number: str) -> HttpResponse:
    """Save the quote page; "save and download" then confirms its number and offers the PDF."""
    quote = get_quote_for_contact(request, number)
    download = request.POST.get("action") == "download"
    form = None
    error = None
    try:
        form, changes = _bound(request, quote)
        if form.is_valid():
            quote = services.quote_update(
                contact=request.contact,
                quote=quote,
                lines=changes,
                profit_kind=form.cleaned_data["profit_kind"],
                profit_value=form.cleaned_data["profit_value"],
                customer_id=form.cleaned_data["customer"],
                notes=form.cleaned_data["notes"],
                valid_until=form.cleaned_data["valid_until"],
            )
        else:
            field, errors = next(iter(form.errors.items()))
            label = form.fields[field].label if field in form.fields else ""
            error = f"{label}: {errors[0]}" if label else errors[0]
    except QuoteError as exc:
        error = exc.message
        if form is not None and exc.field in form.fields:
            form.add_error(exc.field, exc.message)
    if error:
        if request.htmx:
            return _htmx_render(request, "quotes/quote_saved.html#confirm", {"quote": quote, "error": error})
        messages.error(request, error)
        return _quote_page(request, get_quote_for_contact(request, number), form=form, status=200)
    if download:
        template = "quotes/quote_saved.html#confirm" if request.htmx else "quotes/quote_saved.html"
        return _htmx_render(request, template, {"quote": quote})
    messages.success(request, _("Quote %(number)s was saved.") % {"number": quote.number})
    return redirect("quotes:quote-detail", number=quote.number)


@quotes_required
@require_POST
def quote_line_remove(request: HttpRequest, number: str, line_id: int) -> HttpResponse:
    quote = get_quote_for_contact(request, number)
    services.quote_line_remove(contact=request.contact, quote=quote, line_id=line_id)
    messages.success(request, _("The product was removed from the quote."))
    return redirect("quotes:quote-detail", number=quote.number)


@quotes_required
@require_POST
def quote_add_item(request: HttpRequest, number: str) -> HttpResponse:
    """More products on the quote, by SKU or part number (also the search results' "Add")."""
    quote = get_quote_for_contact(request, number)
    form = AddItemForm(request.POST)
    if form.is_valid():
        try:
            line = services.quote_add_by_code(
                contact=request.contact, quote=quote, code=form.cleaned_data["code"], quantity=form.cleaned_data["quantity"]
            )
        except QuoteError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("%(name)s was added to the quote.") % {"name": line.name})
            return redirect("quotes:quote-detail", number=quote.number)
    return _quote_page(request, quote, add_item_form=form)


@quotes_required
@require_POST
def customer_save(request: HttpRequest, number: str) -> HttpResponse:
    """"Add customer" (no id) or edit the quote's customer; the quote is made out to it."""
    quote = get_quote_for_contact(request, number)
    customer_id = request.POST.get("customer_id", "")
    customer = get_customer_for_contact(request, int(customer_id)) if customer_id.isdigit() else None
    prefix = "edit" if customer else "new"
    form = CustomerForm(request.POST, instance=customer, prefix=prefix)
    if form.is_valid():
        try:
            saved = services.customer_save(contact=request.contact, quote=quote, customer=customer, data=form.cleaned_data)
        except QuoteError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The customer %(company)s was saved on the quote.") % {"company": saved.company})
            return redirect("quotes:quote-detail", number=quote.number)
    key = "customer_form" if customer else "new_customer_form"
    return _quote_page(request, get_quote_for_contact(request, number), **{key: form})


# --- Move to quote, Activate Quote, Move to cart ------------------------------------------------------


@quotes_required
@require_http_methods(["GET", "POST"])
def quote_from_cart(request: HttpRequest) -> HttpResponse:
    """"Move to quote": a warning, then "Accept" turns the cart into a quote and empties the cart."""
    error = None
    if request.method == "POST":
        try:
            quote = services.quote_from_cart(contact=request.contact)
        except QuoteError as exc:
            error = exc.message
        else:
            return redirect("quotes:quote-created", number=quote.number)
    # From the cart, htmx asks for the warning alone and shows it as a dialog.
    template = "quotes/quote_from_cart.html#confirm" if request.htmx else "quotes/quote_from_cart.html"
    return _htmx_render(request, template, {"error": error})


@quotes_required
@require_GET
def quote_created(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation: the number the quote was stored with, a link to it."""
    quote = get_quote_for_contact(request, number)
    return render(request, "quotes/quote_created.html", {"quote": quote})


@quotes_required
@require_http_methods(["GET", "POST"])
def quote_activate(request: HttpRequest, number: str) -> HttpResponse:
    """"Activate Quote": a warning, then "Accept" makes it the contact's current quote."""
    quote = get_quote_for_contact(request, number)
    error = None
    if request.method == "POST":
        try:
            services.quote_activate(contact=request.contact, quote=quote)
        except QuoteError as exc:
            error = exc.message
        else:
            messages.success(request, _("Quote %(number)s is now your current quote.") % {"number": quote.number})
            return redirect("quotes:quote-detail", number=quote.number)
    template = "quotes/quote_activate.html#confirm" if request.htmx else "quotes/quote_activate.html"
    return _htmx_render(request, template, {"quote": quote, "error": error})


@quote_to_cart_required
@require_POST
def quote_to_cart(request: HttpRequest, number: str) -> HttpResponse:
    """"Move to cart": the quote's lines go into the cart, to order them."""
    quote = get_quote_for_contact(request, number)
    try:
        added, problems = services.quote_to_cart(contact=request.contact, quote=quote)
    except QuoteError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, "quotes:quote-list"))
    if added:
        messages.success(
            request,
            ngettext("%(count)d product of quote %(number)s was added to your cart.", "%(count)d products of quote %(number)s were added to your cart.", added)
            % {"count": added, "number": quote.number},
        )
    for problem in problems:
        messages.warning(request, f"{problem.text.split()[0]}: {problem.reason}")
    return redirect("orders:cart")


# --- save and download: the PDF ---------------------------------------------------------------------


@quotes_required
@require_POST
def quote_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The confirmation's "save and download": queue the PDF, then show its progress."""
    quote = get_quote_for_contact(request, number)
    try:
        quote = services.quote_pdf_request(contact=request.contact, quote=quote)
    except QuoteError as exc:
        if request.htmx:
            return _htmx_render(request, "quotes/quote_saved.html#confirm", {"quote": quote, "error": exc.message})
        messages.error(request, exc.message)
        return redirect("quotes:quote-detail", number=quote.number)
    if request.htmx:
        quote.refresh_from_db(fields=["pdf_state", "pdf_file", "pdf_error"])
        return _htmx_render(request, "quotes/quote_pdf_status.html#progress", {"quote": quote})
    return redirect("quotes:quote-pdf-status", token=quote.pdf_token)


@quotes_required
@require_GET
def quote_pdf_status(request: HttpRequest, token: UUID) -> HttpResponse:
    quote = get_quote_for_token(request, token)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "quotes/quote_pdf_status.html#progress" if partial else "quotes/quote_pdf_status.html"
    response = _htmx_render(request, template, {"quote": quote})
    add_never_cache_headers(response)
    return response


@quotes_required
@require_GET
def quote_pdf_download(request: HttpRequest, token: UUID) -> HttpResponse:
    """The quote's PDF, downloaded."""
    quote = get_quote_for_token(request, token)
    if quote.pdf_state != Quote.PdfState.READY or not quote.pdf_file:
        return redirect("quotes:quote-pdf-status", token=quote.pdf_token)
    try:
        stream = quote.pdf_file.open("rb")
    except OSError:
        raise Http404(_("This file is no longer available.")) from None
    return attachment_response(stream, filename=f"{quote.number}.pdf", content_type="application/pdf")
