"""Price List exports: checked, queued after commit, built once, per contact, failed with a message, purged."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import load_workbook

from catalog import exports, tasks
from catalog.exports import (
    CatalogError,
    price_list_export_build,
    price_list_export_create,
    price_list_export_for_contact,
    price_list_exports_for_contact,
    price_list_exports_purge,
    price_list_request_resolve,
)
from catalog.models import PriceListExport
from tests.catalog.factories import BrandFactory, PriceFactory, ProductFactory

NOTEBOOKS = [
    # category, subcategory, name, brand, price, availability, part number, SKU, attributes
    ["Computers", "Notebooks", "IdeaPad Slim 3 Notebook", "Lenovo", 9000, 0, "82X0002", "NB-LEN-0002", "RAM: 8 GB"],
    ["Computers", "Notebooks", "Latitude 5440 Notebook", "Dell", 21000, 3, "LAT5440", "NB-DEL-0003", "RAM: 16 GB"],
    ["Computers", "Notebooks", "ThinkPad E14 Notebook", "Lenovo", 14100, 12, "21K0001", "NB-LEN-0001", "RAM: 16 GB"],
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """The builds handed to the broker, instead of running them."""
    calls: list[tuple] = []
    monkeypatch.setattr(tasks.price_list_export_build_task, "delay", lambda *args: calls.append(args))
    return calls


def _create(contact, scope_key="category:notebooks", query="", file_format="xlsx", **kwargs) -> PriceListExport:
    return price_list_export_create(contact=contact, scope_key=scope_key, query=query, file_format=file_format, **kwargs)


def _built(contact, django_capture_on_commit_callbacks, **kwargs) -> PriceListExport:
    with django_capture_on_commit_callbacks(execute=True):
        export = _create(contact, **kwargs)
    export.refresh_from_db()
    return export


def _xlsx_rows(export: PriceListExport) -> list[list]:
    with export.file.open("rb") as stream:
        sheet = load_workbook(io.BytesIO(stream.read()), read_only=True).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(export: PriceListExport) -> list[list[str]]:
    with export.file.open("rb") as stream:
        return list(csv.reader(io.StringIO(stream.read().decode("utf-8-sig"))))


# --- create --------------------------------------------------------------------------------------


def test_create_saves_a_queued_export_and_queues_its_build_only_after_commit(contact, catalog, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export = _create(contact, query="brand=lenovo&page=2")
    assert queued == []
    export.refresh_from_db()
    assert export.state == PriceListExport.State.QUEUED and export.contact == contact
    assert (export.title, export.scope, export.query, export.file_format) == ("Notebooks", "category:notebooks", "brand=lenovo", "xlsx")
    assert export.total_rows == 2 and export.rows_written == 0 and not export.file

    for callback in callbacks:
        callback()
    assert queued == [(export.pk, "en")]


def test_a_rolled_back_request_queues_nothing(contact, catalog, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _create(contact)
            raise RuntimeError("the request failed")
    assert queued == [] and not PriceListExport.objects.exists()


def test_asking_again_while_it_builds_returns_the_same_export(contact, catalog, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _create(contact)
        second = _create(contact)
    assert first.pk == second.pk and len(queued) == 1
    assert _create(contact, file_format="csv").pk != first.pk


def test_too_many_files_building_at_once_are_refused(contact, catalog, queued):
    for query in ("brand=lenovo", "brand=dell", "stock=1"):
        _create(contact, query=query)
    with pytest.raises(CatalogError, match="still being built"):
        _create(contact, query="sort=price")
    assert PriceListExport.objects.count() == 3


@pytest.mark.parametrize("file_format", ["pdf", "", "XLSX"])
def test_an_unknown_format_is_refused_with_a_message(contact, catalog, queued, file_format):
    with pytest.raises(CatalogError, match="Choose Excel \\(XLSX\\) or CSV.") as caught:
        _create(contact, file_format=file_format)
    assert caught.value.field == "format" and not PriceListExport.objects.exists()


@pytest.mark.parametrize(
    ("scope_key", "message"),
    [
        ("category:no-such-category", "This category no longer exists."),
        ("brand:no-such-brand", "This brand no longer exists."),
        ("category:../../etc", "This listing cannot be downloaded."),
        ("warehouse:main", "This listing cannot be downloaded."),
        ("", "This listing cannot be downloaded."),
    ],
)
def test_an_unknown_or_tampered_listing_is_refused(contact, catalog, queued, scope_key, message):
    with pytest.raises(CatalogError, match=message) as caught:
        _create(contact, scope_key=scope_key)
    assert caught.value.field == "scope" and not PriceListExport.objects.exists()


def test_a_listing_without_products_or_with_a_huge_query_is_refused(contact, catalog, queued):
    with pytest.raises(CatalogError, match="has no products"):
        _create(contact, query="brand=no-such-brand")
    with pytest.raises(CatalogError, match="too many filters"):
        _create(contact, query="attr=" + "x" * 2100)
    assert not PriceListExport.objects.exists()


def test_a_contact_without_price_permission_gets_no_price_list(contact, catalog, queued):
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    with pytest.raises(PermissionDenied):
        _create(contact)
    with pytest.raises(PermissionDenied):
        price_list_request_resolve(contact=None, scope_key="all", query="", file_format="csv")
    assert not PriceListExport.objects.exists()


def test_the_threshold_decides_between_at_once_and_in_the_background(contact, catalog, settings):
    def wanted():
        return price_list_request_resolve(contact=contact, scope_key="category:notebooks", query="", file_format="csv")

    assert wanted().total_rows == 3 and not wanted().is_large  # the default: 2000
    settings.PRICE_LIST_SYNC_MAX_ROWS = 3
    assert not wanted().is_large
    settings.PRICE_LIST_SYNC_MAX_ROWS = 2
    assert wanted().is_large


def _page_count(contact, scope_key="category:notebooks", query="", total=3) -> str:
    """The signed count a listing page puts on its Price List button."""
    from catalog.models import Category
    from catalog.selectors import Scope

    scope = Scope(kind="category", category=Category.objects.get(slug=scope_key.partition(":")[2]))
    return exports.price_list_counted(contact=contact, scope=scope, query=query, total=total)


def test_the_pages_signed_count_stands_for_its_own_contact_and_listing(contact, catalog, django_assert_num_queries):
    counted = _page_count(contact, total=3)
    with django_assert_num_queries(0):  # the contact's pricing is already loaded; scope and count come signed
        wanted = price_list_request_resolve(contact=contact, scope_key="category:notebooks", query="", file_format="csv", counted=counted)
    assert wanted.total_rows == 3 and wanted.scope.category.slug == "notebooks" and wanted.title == "Notebooks"
    assert [row[7] for row in wanted.rows()] == ["NB-LEN-0002", "NB-DEL-0003", "NB-LEN-0001"]


@pytest.mark.parametrize("why", ["another contact", "another listing", "other filters", "tampered", "expired"])
def test_a_signed_count_that_is_not_this_requests_is_ignored_and_the_rows_counted(contact, catalog, why, django_assert_num_queries):
    from tests.accounts.factories import ContactFactory

    counted = _page_count(contact, total=999_999)  # a count that would send the file to the background
    scope_key, query = "category:notebooks", ""
    asking = contact
    if why == "another contact":
        asking = ContactFactory(account=contact.account)
    elif why == "another listing":
        scope_key = "brand:lenovo"
    elif why == "other filters":
        query = "stock=on"
    elif why == "tampered":
        counted = counted[:-2] + ("AA" if not counted.endswith("AA") else "BB")
    with time_machine.travel(timezone.now() + (timedelta(minutes=16) if why == "expired" else timedelta(0))):
        wanted = price_list_request_resolve(contact=asking, scope_key=scope_key, query=query, file_format="csv", counted=counted)
    assert wanted.total_rows < 999_999 and not wanted.is_large


def test_the_request_names_its_file_after_the_listing_and_the_day(contact, catalog):
    with time_machine.travel("2026-03-05 10:00:00Z", tick=False):
        for scope_key, query, name in [
            ("category:notebooks", "", "price-list-notebooks-20260305.xlsx"),
            ("brand:lenovo", "", "price-list-lenovo-20260305.xlsx"),
            ("search", "q=ThinkPad+E14", "price-list-search-thinkpad-e14-20260305.xlsx"),
            ("all", "", "price-list-all-20260305.xlsx"),
        ]:
            wanted = price_list_request_resolve(contact=contact, scope_key=scope_key, query=query, file_format="xlsx")
            assert wanted.filename == name


# --- build ---------------------------------------------------------------------------------------


def test_build_writes_the_listing_at_the_accounts_prices(contact, catalog, django_capture_on_commit_callbacks):
    export = _built(contact, django_capture_on_commit_callbacks)
    assert export.state == PriceListExport.State.READY and export.finished_at is not None
    assert export.rows_written == export.total_rows == 3 and export.progress == 100
    assert export.file.name.startswith(f"exports/{export.token}/price-list-notebooks-")
    rows = _xlsx_rows(export)
    assert rows[0][4] == "Price (MXN)"
    assert rows[1:] == NOTEBOOKS


def test_build_keeps_the_filters_and_sort_of_the_listing(contact, catalog, django_capture_on_commit_callbacks):
    export = _built(contact, django_capture_on_commit_callbacks, query="brand=lenovo&sort=-price", file_format="csv")
    rows = _csv_rows(export)
    assert [row[7] for row in rows[1:]] == ["NB-LEN-0001", "NB-LEN-0002"]
    assert [row[4] for row in rows[1:]] == ["14100.00", "9000.00"]


def test_another_account_gets_its_own_prices(other_admin, catalog, django_capture_on_commit_callbacks):
    rows = _xlsx_rows(_built(other_admin, django_capture_on_commit_callbacks))
    assert rows[0][4] == "Price (COP)"
    assert [row[4] for row in rows[1:]] == [9000 * 220, 21000 * 220, 15000 * 220]


def test_building_twice_builds_once(contact, catalog, django_capture_on_commit_callbacks):
    export = _built(contact, django_capture_on_commit_callbacks)
    name, finished = export.file.name, export.finished_at
    assert price_list_export_build(export_id=export.pk) is False
    tasks.price_list_export_build_task.apply(args=[export.pk])
    export.refresh_from_db()
    assert (export.file.name, export.finished_at, export.state) == (name, finished, PriceListExport.State.READY)


def test_an_export_claimed_by_another_worker_is_left_alone(contact, catalog, queued):
    export = _create(contact)
    PriceListExport.objects.filter(pk=export.pk).update(state=PriceListExport.State.RUNNING)
    assert price_list_export_build(export_id=export.pk) is False
    export.refresh_from_db()
    assert export.state == PriceListExport.State.RUNNING and not export.file


def test_progress_is_saved_while_the_file_is_written(contact, catalog, queued, monkeypatch):
    export = _create(contact, file_format="csv")
    seen: list[int] = []
    write = exports.WRITERS["csv"]

    def watched(rows, stream, *, on_progress, **kwargs):
        def progress(count):
            on_progress(count)
            seen.append(PriceListExport.objects.get(pk=export.pk).rows_written)

        return write(rows, stream, on_progress=progress, **kwargs)

    monkeypatch.setitem(exports.WRITERS, "csv", watched)
    monkeypatch.setattr(exports, "PROGRESS_EVERY", 1)
    assert price_list_export_build(export_id=export.pk) is True
    assert seen == [1, 2, 3]


def test_a_failed_build_keeps_a_message_for_the_contact(contact, catalog, queued, monkeypatch):
    export = _create(contact)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.WRITERS, "xlsx", broken)
    assert price_list_export_build(export_id=export.pk) is True
    export.refresh_from_db()
    assert export.state == PriceListExport.State.FAILED and export.finished_at is not None
    assert export.error == "The file could not be built. Please ask for it again."
    assert "disk full" not in export.error and not export.file


def test_a_listing_gone_before_the_build_fails_with_its_reason(contact, catalog, queued):
    acer = BrandFactory(name="Acer", slug="acer")
    product = ProductFactory(brand=acer, category=catalog["thinkpad"].category)
    PriceFactory(price_list=contact.account.price_list, product=product, amount=Decimal("10.00"))
    export = _create(contact, scope_key="brand:acer")
    product.delete()
    acer.delete()
    price_list_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == PriceListExport.State.FAILED and export.error == "This brand no longer exists."


def test_a_contact_who_lost_price_permission_gets_no_file(contact, catalog, queued):
    export = _create(contact)
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    price_list_export_build(export_id=export.pk)
    export.refresh_from_db()
    assert export.state == PriceListExport.State.FAILED and "no longer see prices" in export.error and not export.file


def test_a_broker_that_is_down_fails_the_export_with_a_message(contact, catalog, monkeypatch, django_capture_on_commit_callbacks):
    def down(*args):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.price_list_export_build_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        export = _create(contact)
    export.refresh_from_db()
    assert export.state == PriceListExport.State.FAILED and "ask for it again" in export.error


# --- who sees it ---------------------------------------------------------------------------------


def test_an_export_is_seen_only_by_the_contact_who_asked(contact, admin_contact, other_admin, catalog, queued):
    export = _create(contact)
    assert price_list_export_for_contact(contact=contact, token=export.token) == export
    assert price_list_export_for_contact(contact=admin_contact, token=export.token) is None  # same account
    assert price_list_export_for_contact(contact=other_admin, token=export.token) is None
    assert price_list_exports_for_contact(contact=contact) == [export]
    assert price_list_exports_for_contact(contact=other_admin) == []


def test_recent_exports_are_newest_first(contact, catalog, queued):
    with time_machine.travel(timezone.now() - timedelta(hours=2), tick=False):
        older = _create(contact, query="brand=dell")
    newer = _create(contact, query="brand=lenovo")
    assert price_list_exports_for_contact(contact=contact) == [newer, older]


# --- purge ---------------------------------------------------------------------------------------


def test_purge_deletes_old_files_and_rows_and_keeps_recent_ones(contact, catalog, django_capture_on_commit_callbacks, settings):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        old = _built(contact, django_capture_on_commit_callbacks, query="brand=dell")
    recent = _built(contact, django_capture_on_commit_callbacks, query="brand=lenovo")
    storage = old.file.storage
    assert storage.exists(old.file.name)
    # A build stopped after saving its file but before marking its row leaves a file no row names.
    storage.save(f"exports/{old.token}/stray.xlsx", ContentFile(b"stray"))

    assert price_list_exports_purge(older_than=timedelta(days=7)) == 1
    assert list(PriceListExport.objects.all()) == [recent]
    assert not storage.exists(old.file.name) and not (settings.MEDIA_ROOT / "exports" / str(old.token)).exists()
    assert storage.exists(recent.file.name)
    assert price_list_exports_purge(older_than=timedelta(days=7)) == 0


def test_purge_fails_builds_whose_worker_was_lost(contact, catalog, queued):
    with time_machine.travel(timezone.now() - timedelta(hours=3)):
        stuck = _create(contact)
    PriceListExport.objects.filter(pk=stuck.pk).update(state=PriceListExport.State.RUNNING)
    waiting = _create(contact, query="brand=dell")
    price_list_exports_purge(older_than=timedelta(days=7))
    stuck.refresh_from_db()
    waiting.refresh_from_db()
    assert stuck.state == PriceListExport.State.FAILED and stuck.error
    assert waiting.state == PriceListExport.State.QUEUED


def test_purge_task_keeps_files_the_configured_number_of_days(contact, catalog, queued, settings):
    settings.PRICE_LIST_KEEP_DAYS = 7
    with time_machine.travel(timezone.now() - timedelta(days=6)):
        kept = _create(contact)
    assert tasks.price_list_exports_purge_task.apply().get() == 0
    settings.PRICE_LIST_KEEP_DAYS = 5
    assert tasks.price_list_exports_purge_task.apply().get() == 1
    assert not PriceListExport.objects.filter(pk=kept.pk).exists()


def test_purge_runs_daily_by_beat(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "catalog.tasks.price_list_exports_purge_task")
    assert entry["schedule"] == timedelta(days=1)
