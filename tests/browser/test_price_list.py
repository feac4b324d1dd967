"""Price List: a contact downloads a listing as Excel (XLSX) and CSV, and waits for a large one."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from catalog import tasks
from catalog.exports import price_list_export_build
from catalog.models import PriceListExport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _listing(page: Page) -> list[list]:
    """The listing's rows as the contact reads them: SKU, name, brand, part number, price."""
    rows = []
    for row in page.locator("table.products tbody tr").all():
        cells = row.get_by_role("cell").all_inner_texts()
        price = re.match(r"([\d,]+\.\d\d)", row.locator(".price").inner_text())
        rows.append([row.get_attribute("data-sku"), cells[0].splitlines()[0], cells[1], cells[2], Decimal(price.group(1).replace(",", ""))])
    return rows


def _from_file(rows: list[list]) -> list[list]:
    """The same five columns of a Price List file's rows."""
    return [[row[7], row[2], row[3], row[6], Decimal(str(row[4]))] for row in rows]


def _open_notebooks(store, page: Page) -> list[list]:
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_role("link", name="Notebooks", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Notebooks"))).to_be_visible()
    expect(page.locator("table.products tbody tr")).to_have_count(3)
    return _listing(page)


def _price_list(page: Page, button: str):
    page.get_by_text("Price List", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("button", name=button, exact=True).click()
    return info.value


def test_contact_downloads_the_listing_as_excel_and_csv(store, catalog, contact, password):
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)
    listing = _open_notebooks(store, buyer)
    assert [row[4] for row in listing] == [Decimal("9000.00"), Decimal("21000.00"), Decimal("14100.00")]
    store.shot(buyer, "listing with price list")

    download = _price_list(buyer, "Excel (XLSX)")
    assert re.fullmatch(r"price-list-notebooks-\d{8}\.xlsx", download.suggested_filename)
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes()), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Category", "Subcategory", "Name", "Brand", "Price (MXN)", "Availability", "Part number", "SKU", "Attributes"]
    assert _from_file(rows[1:]) == listing

    buyer.reload()
    download = _price_list(buyer, "CSV")
    assert re.fullmatch(r"price-list-notebooks-\d{8}\.csv", download.suggested_filename)
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert _from_file(rows[1:]) == listing


def test_a_large_listing_shows_its_progress_then_offers_the_file(store, catalog, contact, password, settings, monkeypatch):
    settings.PRICE_LIST_SYNC_MAX_ROWS = 1
    # The worker is held back, so the page is seen waiting; the test plays the worker below.
    queued: list[int] = []
    monkeypatch.setattr(tasks.price_list_export_build_task, "delay", lambda export_id, language=None: queued.append(export_id))

    buyer = store.start()
    store.sign_in(buyer, "carlos", password)
    listing = _open_notebooks(store, buyer)
    buyer.get_by_text("Price List", exact=True).click()
    buyer.get_by_role("button", name="Excel (XLSX)", exact=True).click()

    expect(buyer.get_by_role("heading", name="Price List: Notebooks")).to_be_visible()
    expect(buyer.get_by_text("Queued")).to_be_visible()
    expect(buyer.get_by_role("progressbar")).to_be_visible()
    store.shot(buyer, "price list queued")

    assert len(queued) == 1
    assert price_list_export_build(export_id=queued[0]) is True

    # The page polls: the progress turns into a Download link without a reload.
    download_link = buyer.get_by_role("link", name="Download", exact=True)
    expect(download_link).to_be_visible()
    expect(buyer.get_by_text("Ready", exact=True)).to_be_visible()
    expect(buyer.get_by_role("progressbar")).to_have_count(0)
    store.shot(buyer, "price list ready")
    with buyer.expect_download() as info:
        download_link.click()
    rows = [list(row) for row in load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True).active.iter_rows(values_only=True)]
    assert _from_file(rows[1:]) == listing

    # And the contact finds it again under its recent files.
    buyer.get_by_role("banner").get_by_role("link", name="Catalog", exact=True).click()
    buyer.get_by_role("link", name="Notebooks", exact=True).click()
    buyer.get_by_text("Price List", exact=True).click()
    buyer.get_by_role("link", name="My recent files").click()
    expect(buyer.get_by_role("heading", name="My recent files")).to_be_visible()
    row = buyer.get_by_role("row").filter(has_text="Notebooks")
    expect(row).to_contain_text("Ready")
    expect(row.get_by_role("link", name="Download")).to_be_visible()
    store.shot(buyer, "my recent files")
    assert PriceListExport.objects.get().state == PriceListExport.State.READY
