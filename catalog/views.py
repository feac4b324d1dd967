from __future__ import annotations

from urllib.parse import urlencode

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from catalog.exports import (
    CONTENT_TYPES,
    CatalogError,
    PriceListRequest,
    price_list_counted,
    price_list_csv_stream,
    price_list_export_audit,
    price_list_export_create,
    price_list_export_filename,
    price_list_exports_for_contact,
    price_list_listing_url,
    price_list_request_resolve,
    price_list_xlsx_file,
)
from catalog.forms import ListingForm
from catalog.listing_shapes import listing_rows
from catalog.models import Brand, PriceListExport
from catalog.permissions import get_export_for_contact, price_list_required
from catalog.selectors import (
    PAGE_SIZE,
    SEARCH_WINDOW,
    Pricing,
    Scope,
    brand_by_slug,
    category_by_slug,
    category_tree,
    listing_facets,
    product_for_page,
    product_stock_by_warehouse,
    search_lookup,
    search_scope,
)
from storefront.uploads import attachment_response


class CountedPaginator(Paginator):
    """A paginator told how many items there are: a listing's count comes with its facets."""

    def __init__(self, object_list, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:  # type: ignore[override]
        return self._count


def _listing(request: HttpRequest, scope: Scope, *, title: str, breadcrumbs: list[tuple[str, str]]) -> HttpResponse:
    form = ListingForm(request.GET)
    form.is_valid()
    filters = form.filters()
    pricing = Pricing.for_contact(request.contact)
    products = listing_rows(scope=scope, filters=filters, pricing=pricing)
    facets = listing_facets(scope=scope, filters=filters, pricing=pricing)
    # A full search window shows at most its SEARCH_WINDOW best matches; other listings show them all.
    total = min(facets.total, SEARCH_WINDOW) if scope.kind == "search" else facets.total
    page = CountedPaginator(products, PAGE_SIZE, count=total).get_page(form.page_number())
    kept = [(k, v) for k, values in request.GET.lists() if k != "page" for v in values]
    context = {
        "title": title,
        "breadcrumbs": breadcrumbs,
        "scope": scope,
        "form": form,
        "filters": filters,
        "pricing": pricing,
        "page": page,
        "facets": facets,
        "search_window": SEARCH_WINDOW,
        "query_without_page": urlencode(kept),
        "selected_attributes": {f"{name}:{value}" for name, value in filters.attributes},
    }
    if pricing is not None and total:
        # The Price List button carries the count the page made, signed, so its download counts nothing.
        context["price_list_counted"] = price_list_counted(
            contact=request.contact, scope=scope, query=request.GET.urlencode(), total=total
        )
    # htmx swaps the listing region alone; a history restore (back button with an empty cache)
    # needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "catalog/product_list.html#listing" if partial else "catalog/product_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def catalog_home(request: HttpRequest) -> HttpResponse:
    brands = Brand.objects.annotate(count=Count("products")).filter(count__gt=0).order_by("name")
    return render(request, "catalog/catalog_home.html", {"tree": category_tree(), "brands": brands})


@require_GET
def category_listing(request: HttpRequest, slug: str) -> HttpResponse:
    category = category_by_slug(slug)
    if category is None:
        raise Http404
    crumbs = [(_("Catalog"), reverse("catalog:home"))]
    if category.parent_id:
        crumbs.append((category.parent.name, reverse("catalog:category", args=[category.parent.slug])))
    return _listing(request, Scope(kind="category", category=category), title=category.name, breadcrumbs=crumbs)


@require_GET
def brand_listing(request: HttpRequest, slug: str) -> HttpResponse:
    brand = brand_by_slug(slug)
    if brand is None:
        raise Http404
    return _listing(request, Scope(kind="brand", brand=brand), title=brand.name, breadcrumbs=[(_("Catalog"), reverse("catalog:home"))])


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    # A NUL cannot reach PostgreSQL's text; it is no part of any product's words either.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    # The exact SKU or part number jumps to its product (not while filtering the results in place).
    lookup = search_lookup(query, exact=not request.htmx)
    if lookup.sku:
        return redirect("catalog:product-detail", sku=lookup.sku)
    title = _("Results for “%(query)s”") % {"query": query} if query else _("Search")
    return _listing(request, search_scope(query, lookup.corrections), title=title, breadcrumbs=[(_("Catalog"), reverse("catalog:home"))])


@require_GET
def product_detail(request: HttpRequest, sku: str) -> HttpResponse:
    pricing = Pricing.for_contact(request.contact)
    product = product_for_page(sku=sku, pricing=pricing)
    if product is None:
        raise Http404(_("No such product."))
    stock = product_stock_by_warehouse(product=product, pricing=pricing)
    return render(request, "catalog/product_detail.html", {"product": product, "pricing": pricing, "stock": stock})


# --- Price List ---


@price_list_required
@require_POST
def price_list_create(request: HttpRequest) -> HttpResponse:
    scope_key = request.POST.get("scope", "")
    query = request.POST.get("query", "")
    file_format = request.POST.get("format", "")
    counted = request.POST.get("counted", "")
    try:
        wanted = price_list_request_resolve(
            contact=request.contact, scope_key=scope_key, query=query, file_format=file_format, counted=counted
        )
        if wanted.is_large:
            # Counted once more by the service: one COUNT, against a file of thousands of rows.
            export = price_list_export_create(contact=request.contact, scope_key=scope_key, query=query, file_format=file_format)
            return redirect("catalog:price-list-status", token=export.token)
    except CatalogError as exc:
        messages.error(request, exc.message)
        if exc.field == "scope":
            return redirect("catalog:home")
        return redirect(price_list_listing_url(scope_key=scope_key, query=query))
    price_list_export_audit(contact=request.contact, wanted=wanted)
    return _price_list_attachment(wanted)


def _price_list_attachment(wanted: PriceListRequest) -> HttpResponse:
    response: HttpResponse
    if wanted.file_format == PriceListExport.Format.CSV:
        response = StreamingHttpResponse(price_list_csv_stream(request=wanted), content_type=wanted.content_type)
        response["Content-Disposition"] = content_disposition_header(True, wanted.filename)
        response["X-Content-Type-Options"] = "nosniff"
        # The account's prices: no shared cache may keep them.
        add_never_cache_headers(response)
        return response
    return attachment_response(price_list_xlsx_file(request=wanted), filename=wanted.filename, content_type=wanted.content_type)


@price_list_required
@require_GET
def price_list_files(request: HttpRequest) -> HttpResponse:
    exports = price_list_exports_for_contact(contact=request.contact)
    return render(request, "catalog/price_list_files.html", {"exports": exports, "keep_days": settings.PRICE_LIST_KEEP_DAYS})


@price_list_required
@require_GET
def price_list_status(request: HttpRequest, token: UUID) -> HttpResponse:
    export = get_export_for_contact(request, token)
    context = {"export": export, "listing_url": price_list_listing_url(scope_key=export.scope, query=export.query)}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "catalog/price_list_status.html#progress" if partial else "catalog/price_list_status.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    add_never_cache_headers(response)
    return response


@price_list_required
@require_GET
def price_list_download(request: HttpRequest, token: UUID) -> HttpResponse:
    export = get_export_for_contact(request, token)
    if export.state != PriceListExport.State.READY or not export.file:
        return redirect("catalog:price-list-status", token=export.token)
    try:
        stream = export.file.open("rb")
    except OSError:
        raise Http404(_("This file is no longer available.")) from None
    price_list_export_audit(contact=request.contact, export=export)
    return attachment_response(stream, filename=price_list_export_filename(export), content_type=CONTENT_TYPES[export.file_format])
