"""The Price List of a listing, for a contact who may see prices: checked, counted, built, purged.

A listing of at most PRICE_LIST_SYNC_MAX_ROWS rows is downloaded at once by the request that asks
(the view streams it through the builders). A larger one becomes a PriceListExport row, and a task
builds its file after the commit, reporting progress on the row for the page that polls it. Built
files are kept PRICE_LIST_KEEP_DAYS days. Each export belongs to the contact who asked: no other
contact, even of the same account, sees it.
"""

from __future__ import annotations

import logging
import posixpath
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import IO
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import Contact
from catalog.forms import SLUG, ListingForm
from catalog.models import Brand, Category, PriceListExport, export_path
from catalog.price_lists import price_list_csv_chunks, price_list_write_csv, price_list_write_xlsx
from catalog.selectors import SEARCH_WINDOW, Filters, Pricing, Scope, price_list_rows, product_listing
from storefront.audit.models import SecurityEvent
from storefront.audit.services import security_event_record
from storefront.errors import DomainError

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    PriceListExport.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    PriceListExport.Format.CSV: "text/csv; charset=utf-8",
}
WRITERS: dict[str, Callable[..., int]] = {
    PriceListExport.Format.XLSX: price_list_write_xlsx,
    PriceListExport.Format.CSV: price_list_write_csv,
}
QUERY_MAX_LENGTH = PriceListExport._meta.get_field("query").max_length
# A build updates its row's progress every so many rows: one cheap UPDATE, read by the polling page.
PROGRESS_EVERY = 1000
# Exports a contact may have waiting or building at once; more would only queue behind each other.
MAX_ACTIVE_EXPORTS = 3
# An export still queued or building after this long lost its worker; the purge marks it failed.
BUILD_TIMEOUT = timedelta(hours=1)
RECENT_EXPORTS = 50
PURGE_BATCH = 500
# The listing page signs what it counted for its Price List button; the request that follows within
# this long trusts that count instead of counting again.
COUNTED_SALT = "catalog.price-list.counted"
COUNTED_MAX_AGE = 15 * 60


class CatalogError(DomainError):
    """A Price List request that cannot be served; the message is for the contact."""


@dataclass(frozen=True)
class PriceListRequest:
    """A contact's request for the Price List of one listing, checked and counted."""

    scope: Scope
    filters: Filters
    pricing: Pricing
    file_format: str
    title: str
    query: str
    total_rows: int

    @property
    def is_large(self) -> bool:
        return self.total_rows > settings.PRICE_LIST_SYNC_MAX_ROWS

    @property
    def filename(self) -> str:
        return price_list_filename(
            scope_key=self.scope.key, query=self.query, file_format=self.file_format, day=timezone.localdate()
        )

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.file_format]

    def rows(self) -> Iterator[tuple]:
        return price_list_rows(scope=self.scope, filters=self.filters, pricing=self.pricing)


# --- the request ----------------------------------------------------------------------------------


def price_list_request_resolve(
    *, contact: Contact | None, scope_key: str, query: str, file_format: str, counted: str = ""
) -> PriceListRequest:
    """Check a Price List request (who asks, the format, the listing) and count its rows.

    `counted` is the listing page's signed count (price_list_counted): when it is the same contact's,
    for the same listing and recent, its scope and count stand, and the request reads nothing more
    before its rows. Otherwise the scope is read and the rows counted.
    """
    pricing = Pricing.for_contact(contact)
    if pricing is None:
        raise PermissionDenied("Only a contact who may see prices can download a Price List.")
    if file_format not in PriceListExport.Format.values:
        raise CatalogError(_("Choose Excel (XLSX) or CSV."), field="format")
    params = _listing_params(query)
    filters = ListingForm(params).filters()
    known = _counted_listing(counted, contact=contact, scope_key=scope_key, query=query)
    if known is not None:
        scope, total = known
    else:
        scope = _scope_for(scope_key, params=params)
        total = product_listing(scope=scope, filters=filters, pricing=pricing).count()
        if scope.kind == "search":
            total = min(total, SEARCH_WINDOW)  # as the listing shows it: the window's best
    if total == 0:
        raise CatalogError(_("This listing has no products, so there is no Price List to download."), field="query")
    return PriceListRequest(
        scope=scope,
        filters=filters,
        pricing=pricing,
        file_format=file_format,
        title=_listing_title(scope)[:255],
        query=params.urlencode(),
        total_rows=total,
    )


def price_list_counted(*, contact: Contact, scope: Scope, query: str, total: int) -> str:
    """What a listing page knows of its listing (scope and product count), signed for its Price List
    button, so that the download does not read the scope or count the products again.

    Bound to the contact and to the listing's address; trusted for COUNTED_MAX_AGE. A count that
    moved meanwhile only moves the line between a file made at once and one made in the background.
    """
    listing: dict = {"contact": contact.pk, "scope": scope.key, "query": query, "total": total}
    if scope.kind == "category":
        category = scope.category
        listing["category"] = [category.pk, category.slug, category.name, category.parent_id, category.attribute_filters]
    elif scope.kind == "brand":
        listing["brand"] = [scope.brand.pk, scope.brand.slug, scope.brand.name]
    elif scope.kind == "search":
        listing["search"] = scope.query
    return signing.dumps(listing, salt=COUNTED_SALT, compress=True)


def _counted_listing(counted: str, *, contact: Contact, scope_key: str, query: str) -> tuple[Scope, int] | None:
    if not counted:
        return None
    try:
        listing = signing.loads(counted, salt=COUNTED_SALT, max_age=COUNTED_MAX_AGE)
    except signing.BadSignature:  # tampered, another key's, or expired: count again
        return None
    if listing.get("contact") != contact.pk or listing.get("scope") != scope_key or listing.get("query") != query:
        return None
    total = listing.get("total")
    if scope_key == "all":
        scope = Scope(kind="all")
    elif "category" in listing:
        pk, slug, name, parent_id, attribute_filters = listing["category"]
        scope = Scope(kind="category", category=Category(pk=pk, slug=slug, name=name, parent_id=parent_id, attribute_filters=attribute_filters))
    elif "brand" in listing:
        pk, slug, name = listing["brand"]
        scope = Scope(kind="brand", brand=Brand(pk=pk, slug=slug, name=name))
    elif "search" in listing:
        scope = Scope(kind="search", query=listing["search"])
    else:
        return None
    if scope.key != scope_key or not isinstance(total, int):
        return None
    return scope, total


def _listing_params(query: str) -> QueryDict:
    if len(query) > QUERY_MAX_LENGTH:
        raise CatalogError(_("This listing has too many filters to download. Remove some and try again."), field="query")
    params = QueryDict(query, mutable=True)
    # Every page of the listing goes into the file.
    params.pop("page", None)
    if len(params.urlencode()) > QUERY_MAX_LENGTH:
        raise CatalogError(_("This listing has too many filters to download. Remove some and try again."), field="query")
    return params


def _scope_for(scope_key: str, *, params: QueryDict) -> Scope:
    if scope_key == "all":
        return Scope(kind="all")
    if scope_key == "search":
        return Scope(kind="search", query=params.get("q", "").strip()[:200])
    kind, _sep, slug = scope_key.partition(":")
    if kind == "category" and SLUG.match(slug):
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise CatalogError(_("This category no longer exists."), field="scope")
        return Scope(kind="category", category=category)
    if kind == "brand" and SLUG.match(slug):
        brand = Brand.objects.filter(slug=slug).first()
        if brand is None:
            raise CatalogError(_("This brand no longer exists."), field="scope")
        return Scope(kind="brand", brand=brand)
    raise CatalogError(_("This listing cannot be downloaded. Open it again and choose Price List."), field="scope")


def _listing_title(scope: Scope) -> str:
    if scope.kind == "category":
        return scope.category.name
    if scope.kind == "brand":
        return scope.brand.name
    if scope.kind == "search":
        return _("Results for “%(query)s”") % {"query": scope.query}
    return _("All products")


def price_list_filename(*, scope_key: str, query: str, file_format: str, day: date) -> str:
    """price-list-<listing>-YYYYMMDD.<format>, in ASCII so every browser keeps it."""
    kind, _sep, slug = scope_key.partition(":")
    if kind in ("category", "brand"):
        listing = slugify(slug)
    elif kind == "search":
        listing = "-".join(part for part in ("search", slugify(QueryDict(query).get("q", ""))[:40].strip("-")) if part)
    else:
        listing = "all"
    return f"price-list-{listing or 'listing'}-{day:%Y%m%d}.{file_format}"


def price_list_listing_url(*, scope_key: str, query: str) -> str:
    """The address of the listing a request came from, to send the contact back to it."""
    kind, _sep, slug = scope_key.partition(":")
    if kind == "category" and SLUG.match(slug):
        path = reverse("catalog:category", args=[slug])
    elif kind == "brand" and SLUG.match(slug):
        path = reverse("catalog:brand", args=[slug])
    elif scope_key == "search":
        path = reverse("catalog:search")
    else:
        return reverse("catalog:home")
    params = QueryDict(query[:QUERY_MAX_LENGTH]).urlencode()
    return f"{path}?{params}" if params else path


# --- at once: a small listing in the request ------------------------------------------------------


def price_list_csv_stream(*, request: PriceListRequest) -> Iterator[bytes]:
    """The CSV file of a small listing, chunk by chunk, for a streaming response."""
    return price_list_csv_chunks(request.rows(), currency=request.pricing.currency)


def price_list_xlsx_file(*, request: PriceListRequest) -> IO[bytes]:
    """The XLSX file of a small listing in a temporary file, rewound; closing it deletes it."""
    stream = tempfile.TemporaryFile()
    try:
        price_list_write_xlsx(request.rows(), stream, currency=request.pricing.currency)
    except BaseException:
        stream.close()
        raise
    stream.seek(0)
    return stream


def price_list_export_audit(*, contact: Contact, wanted: PriceListRequest | None = None, export: PriceListExport | None = None) -> None:
    """Record in the security audit trail that a Price List file left the store (one INSERT)."""
    if wanted is not None:
        detail = {"scope": wanted.scope.key, "query": wanted.query, "format": wanted.file_format, "rows": wanted.total_rows}
    elif export is not None:
        detail = {"scope": export.scope, "query": export.query, "format": export.file_format, "rows": export.total_rows, "export": str(export.token)}
    else:
        raise ValueError("Name the listing or the export.")
    security_event_record(kind=SecurityEvent.Kind.PRICE_LIST_EXPORTED, actor=contact, detail=detail)


# --- in the background: a large listing -----------------------------------------------------------


def price_list_export_create(*, contact: Contact, scope_key: str, query: str, file_format: str) -> PriceListExport:
    """Save an export of the listing for the contact and queue its build once the transaction commits.

    Asking again for a file that is still being built returns that export instead of a second one.
    """
    wanted = price_list_request_resolve(contact=contact, scope_key=scope_key, query=query, file_format=file_format)
    active = PriceListExport.objects.filter(
        contact=contact, state__in=[PriceListExport.State.QUEUED, PriceListExport.State.RUNNING]
    )
    same = active.filter(scope=wanted.scope.key, query=wanted.query, file_format=wanted.file_format).first()
    if same is not None:
        return same
    if active.count() >= MAX_ACTIVE_EXPORTS:
        raise CatalogError(_("Some of your files are still being built. Wait until they are ready, then ask again."))
    export = PriceListExport.objects.create(
        contact=contact,
        file_format=wanted.file_format,
        title=wanted.title,
        query=wanted.query,
        scope=wanted.scope.key,
        total_rows=wanted.total_rows,
    )
    # The worker builds in the language the contact asked in; the row does not keep it.
    language = translation.get_language() or settings.LANGUAGE_CODE
    transaction.on_commit(lambda: _enqueue_build(export.pk, language))
    return export


def _enqueue_build(export_id: int, language: str) -> None:
    # Imported here: the tasks module imports this one.
    from catalog.tasks import price_list_export_build_task

    try:
        price_list_export_build_task.delay(export_id, language)
    except Exception:  # the broker is down: say so on the export rather than leave it waiting forever
        logger.exception("Could not queue the build of Price List export %s", export_id)
        PriceListExport.objects.filter(pk=export_id, state=PriceListExport.State.QUEUED).update(
            state=PriceListExport.State.FAILED,
            error=_("The file could not be started. Please ask for it again in a few minutes."),
            finished_at=timezone.now(),
        )


def price_list_export_build(*, export_id: int, language: str | None = None) -> bool:
    """Build a queued export's file; False when it was already claimed or finished (idempotent)."""
    # The conditional UPDATE is the claim: of two deliveries of the same task, one builds.
    claimed = PriceListExport.objects.filter(pk=export_id, state=PriceListExport.State.QUEUED).update(
        state=PriceListExport.State.RUNNING, rows_written=0
    )
    if not claimed:
        return False
    export = PriceListExport.objects.select_related("contact__account__price_list").get(pk=export_id)
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            written = _export_write(export)
        except Exception as exc:
            if isinstance(exc, CatalogError):
                message = exc.message
            else:
                logger.exception("Price List export %s failed", export_id)
                message = _("The file could not be built. Please ask for it again.")
            PriceListExport.objects.filter(pk=export_id).update(
                state=PriceListExport.State.FAILED, error=message[:255], finished_at=timezone.now()
            )
            return True
    PriceListExport.objects.filter(pk=export_id).update(
        state=PriceListExport.State.READY,
        file=export.file.name,
        rows_written=written,
        total_rows=written,
        finished_at=timezone.now(),
    )
    return True


def _export_write(export: PriceListExport) -> int:
    contact = export.contact
    # Rights are checked again: the contact may have lost them since it asked.
    pricing = Pricing.for_contact(contact) if contact.is_active else None
    if pricing is None:
        raise CatalogError(_("You may no longer see prices, so the file was not built."))
    params = QueryDict(export.query)
    scope = _scope_for(export.scope, params=params)
    rows = price_list_rows(scope=scope, filters=ListingForm(params).filters(), pricing=pricing)

    def progress(count: int) -> None:
        PriceListExport.objects.filter(pk=export.pk).update(rows_written=count)

    filename = price_list_export_filename(export)
    # Built in a temporary file, then handed to the storage: the storage may be remote, and a
    # half-written file must never be offered.
    with tempfile.TemporaryFile() as stream:
        written = WRITERS[export.file_format](
            rows, stream, currency=pricing.currency, on_progress=progress, progress_every=PROGRESS_EVERY
        )
        stream.seek(0)
        export.file.save(filename, File(stream, name=filename), save=False)
    return written


def price_list_export_filename(export: PriceListExport) -> str:
    return price_list_filename(
        scope_key=export.scope,
        query=export.query,
        file_format=export.file_format,
        day=timezone.localdate(export.created_at),
    )


def price_list_exports_purge(*, older_than: timedelta) -> int:
    """Delete the exports asked for longer ago than `older_than`, with their files; returns how many.

    Also marks failed any export still waiting or building after BUILD_TIMEOUT: its worker was lost.
    """
    now = timezone.now()
    PriceListExport.objects.filter(
        state__in=[PriceListExport.State.QUEUED, PriceListExport.State.RUNNING], created_at__lt=now - BUILD_TIMEOUT
    ).update(
        state=PriceListExport.State.FAILED,
        error=_("The file could not be built. Please ask for it again."),
        finished_at=now,
    )
    storage = PriceListExport._meta.get_field("file").storage
    old = PriceListExport.objects.filter(created_at__lt=now - older_than).order_by("pk").only("pk", "token", "file")
    deleted = 0
    while batch := list(old[:PURGE_BATCH]):
        for export in batch:
            # Files first: a row without its file is harmless, a file without its row is never found.
            _export_files_delete(storage, export)
        deleted += PriceListExport.objects.filter(pk__in=[export.pk for export in batch]).delete()[0]
    return deleted


def _export_files_delete(storage, export: PriceListExport) -> None:
    # The export's whole folder, not only the file its row names: a build stopped between saving
    # the file and marking the row ready leaves a file no row names.
    folder = posixpath.dirname(export_path(export, "file"))
    try:
        names = storage.listdir(folder)[1]
    except (FileNotFoundError, NotImplementedError):
        names = [posixpath.basename(export.file.name)] if export.file else []
    try:
        for name in names:
            storage.delete(posixpath.join(folder, name))
        storage.delete(folder)
    except OSError:
        logger.warning("Could not delete the files of Price List export %s", export.pk, exc_info=True)


# --- reads ----------------------------------------------------------------------------------------


def price_list_exports_for_contact(*, contact: Contact, limit: int = RECENT_EXPORTS) -> list[PriceListExport]:
    """The contact's own recent exports, newest first, in one query."""
    return list(PriceListExport.objects.filter(contact=contact).order_by("-created_at", "-id")[:limit])


def price_list_export_for_contact(*, contact: Contact, token: UUID) -> PriceListExport | None:
    """One of the contact's own exports; None for anyone else's, even a colleague's."""
    return PriceListExport.objects.filter(contact=contact, token=token).first()
