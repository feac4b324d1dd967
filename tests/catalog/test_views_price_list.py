"""The Price List pages: download at once or in the background, per contact, bad input, query counts."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from catalog.models import PriceListExport
from tests.catalog.factories import AvailabilityFactory, PriceFactory, ProductFactory

CREATE = reverse("catalog:price-list-create")
FILES = reverse("catalog:price-list-files")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _post(client, scope="category:notebooks", query="", file_format="xlsx", **kwargs):
    return client.post(CREATE, {"scope": scope, "query": query, "format": file_format}, **kwargs)


def _content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(_content(response)), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _csv_rows(response) -> list[list[str]]:
    data = _content(response)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _listing_skus(client, url: str, query: str = "") -> list[str]:
    page = client.get(f"{url}?{query}" if query else url).content.decode()
    return re.findall(r'data-sku="([^"]+)"', page)


def _status(export) -> str:
    return reverse("catalog:price-list-status", args=[export.token])


def _download(export) -> str:
    return reverse("catalog:price-list-download", args=[export.token])


# --- a small listing: the file at once -----------------------------------------------------------


def test_small_listing_downloads_as_xlsx_with_the_listings_rows_and_prices(contact_client, catalog):
    response = _post(contact_client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.match(r'attachment; filename="price-list-notebooks-\d{8}\.xlsx"', response["Content-Disposition"])
    assert "no-store" in response["Cache-Control"]
    rows = _xlsx_rows(response)
    assert rows[0] == ["Category", "Subcategory", "Name", "Brand", "Price (MXN)", "Availability", "Part number", "SKU", "Attributes"]
    assert [row[7] for row in rows[1:]] == _listing_skus(contact_client, reverse("catalog:category", args=["notebooks"]))
    assert {row[7]: row[4] for row in rows[1:]} == {"NB-LEN-0002": 9000, "NB-DEL-0003": 21000, "NB-LEN-0001": 14100}
    assert {row[7]: row[5] for row in rows[1:]} == {"NB-LEN-0002": 0, "NB-DEL-0003": 3, "NB-LEN-0001": 12}
    assert not PriceListExport.objects.exists()  # nothing kept: it is downloaded at once


def test_small_listing_downloads_as_csv_with_its_filters_and_sort(contact_client, catalog):
    query = "brand=lenovo&sort=-price"
    response = _post(contact_client, scope="category:computers", query=query, file_format="csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.match(r'attachment; filename="price-list-computers-\d{8}\.csv"', response["Content-Disposition"])
    rows = _csv_rows(response)
    assert [row[7] for row in rows[1:]] == _listing_skus(contact_client, reverse("catalog:category", args=["computers"]), query)
    assert [row[7] for row in rows[1:]] == ["NB-LEN-0001", "NB-LEN-0002"]
    assert [row[4] for row in rows[1:]] == ["14100.00", "9000.00"]


def test_search_and_brand_listings_download_their_own_rows(contact_client, catalog):
    rows = _csv_rows(_post(contact_client, scope="search", query="q=notebook", file_format="csv"))
    assert {row[7] for row in rows[1:]} == set(_listing_skus(contact_client, reverse("catalog:search"), "q=notebook"))
    assert len(rows) == 4
    rows = _csv_rows(_post(contact_client, scope="brand:dell", file_format="csv"))
    assert [row[7] for row in rows[1:]] == ["MN-DEL-0004", "NB-DEL-0003"]


def test_each_account_gets_its_own_prices(contact_client, other_admin_client, catalog):
    ours = {row[7]: row[4] for row in _xlsx_rows(_post(contact_client))[1:]}
    theirs_rows = _xlsx_rows(_post(other_admin_client))
    theirs = {row[7]: row[4] for row in theirs_rows[1:]}
    assert ours.keys() == theirs.keys()
    assert theirs == {"NB-LEN-0002": 9000 * 220, "NB-DEL-0003": 21000 * 220, "NB-LEN-0001": 15000 * 220}
    assert all(ours[sku] != theirs[sku] for sku in ours)
    assert theirs_rows[0][4] == "Price (COP)"


def test_a_product_name_that_looks_like_a_formula_is_neutralised(contact_client, contact, catalog):
    product = ProductFactory(name="=HYPERLINK(\"http://x.test\")", category=catalog["thinkpad"].category, brand=catalog["thinkpad"].brand)
    PriceFactory(price_list=contact.account.price_list, product=product, amount=Decimal("1.00"))
    AvailabilityFactory(product=product)
    names = [row[2] for row in _csv_rows(_post(contact_client, file_format="csv"))[1:]]
    assert "'=HYPERLINK(\"http://x.test\")" in names
    names = [row[2] for row in _xlsx_rows(_post(contact_client))[1:]]
    assert "'=HYPERLINK(\"http://x.test\")" in names


# --- a large listing: built in the background, with progress -------------------------------------


def test_large_listing_is_built_in_the_background_and_offered_when_ready(contact_client, catalog, settings, django_capture_on_commit_callbacks):
    settings.PRICE_LIST_SYNC_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(contact_client, query="sort=price")
    export = PriceListExport.objects.get()
    assert response.status_code == 302 and response["Location"] == _status(export)
    assert export.state == PriceListExport.State.QUEUED and export.total_rows == 3

    page = contact_client.get(_status(export)).content.decode()
    assert "<html" in page and "Notebooks" in page and "Queued" in page and "<progress" in page
    partial = contact_client.get(_status(export), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'hx-trigger="every 1s"' in partial.content.decode()
    assert "HX-Request" in partial["Vary"]
    assert contact_client.get(_download(export))["Location"] == _status(export)  # not ready yet

    for callback in callbacks:  # the worker (eager here) builds the file
        callback()
    partial = contact_client.get(_status(export), headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in partial and "Ready" in partial and f'href="{_download(export)}"' in partial and "Download" in partial

    download = contact_client.get(_download(export))
    assert download.status_code == 200
    assert re.match(r'attachment; filename="price-list-notebooks-\d{8}\.xlsx"', download["Content-Disposition"])
    rows = _xlsx_rows(download)
    assert [row[7] for row in rows[1:]] == _listing_skus(contact_client, reverse("catalog:category", args=["notebooks"]), "sort=price")
    assert [row[4] for row in rows[1:]] == [9000, 14100, 21000]


def test_the_files_page_lists_the_contacts_recent_files(contact_client, catalog, settings, django_capture_on_commit_callbacks):
    settings.PRICE_LIST_SYNC_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        _post(contact_client, file_format="csv")
    with django_capture_on_commit_callbacks(execute=False):
        _post(contact_client, scope="brand:dell")
    ready, queued = PriceListExport.objects.order_by("id")
    page = contact_client.get(FILES).content.decode()
    assert page.index(str(queued.token)) < page.index(str(ready.token))  # newest first
    assert "Notebooks" in page and "Dell" in page and "Ready" in page and "Queued" in page
    assert f'href="{_download(ready)}"' in page and f'href="{_download(queued)}"' not in page
    assert f'href="{_status(queued)}"' in page


def test_a_failed_build_shows_its_message(contact_client, contact, catalog):
    export = PriceListExport.objects.create(
        contact=contact, file_format="xlsx", title="Notebooks", scope="category:notebooks", query="brand=dell",
        state=PriceListExport.State.FAILED, error="This category no longer exists.",
    )
    partial = contact_client.get(_status(export), headers={"HX-Request": "true"}).content.decode()
    assert "This category no longer exists." in partial and "every 1s" not in partial
    assert f'href="{reverse("catalog:category", args=["notebooks"])}?brand=dell"' in partial
    assert "This category no longer exists." in contact_client.get(FILES).content.decode()


def test_a_purged_file_is_a_404(contact_client, contact, catalog):
    export = PriceListExport.objects.create(
        contact=contact, file_format="csv", title="Notebooks", scope="category:notebooks",
        state=PriceListExport.State.READY, file=f"exports/{'0' * 8}/gone.csv",
    )
    assert contact_client.get(_download(export)).status_code == 404


# --- who may ---------------------------------------------------------------------------------------


def _ready_export(contact) -> PriceListExport:
    export = PriceListExport.objects.create(contact=contact, file_format="csv", title="Notebooks", scope="category:notebooks")
    export.file.save("price-list.csv", io.BytesIO(b"\xef\xbb\xbfCategory\r\n"), save=False)
    PriceListExport.objects.filter(pk=export.pk).update(state=PriceListExport.State.READY, file=export.file.name)
    return export


def test_another_accounts_contact_gets_404_everywhere(other_admin_client, contact, catalog):
    export = _ready_export(contact)
    assert other_admin_client.get(_status(export)).status_code == 404
    assert other_admin_client.get(_status(export), headers={"HX-Request": "true"}).status_code == 404
    assert other_admin_client.get(_download(export)).status_code == 404
    assert "Notebooks" not in other_admin_client.get(FILES).content.decode()


def test_files_are_per_contact_even_within_an_account(admin_contact_client, contact, catalog):
    export = _ready_export(contact)
    assert admin_contact_client.get(_status(export)).status_code == 404
    assert admin_contact_client.get(_download(export)).status_code == 404


def test_visitor_is_sent_to_sign_in(client, contact, catalog):
    export = _ready_export(contact)
    for response in (_post(client), client.get(FILES), client.get(_status(export)), client.get(_download(export))):
        assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_contact_without_price_permission_is_forbidden(contact_client, contact, catalog):
    export = _ready_export(contact)
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    for response in (_post(contact_client), contact_client.get(FILES), contact_client.get(_status(export)), contact_client.get(_download(export))):
        assert response.status_code == 403
    assert not PriceListExport.objects.exclude(pk=export.pk).exists()


def test_staff_without_a_contact_is_forbidden(client, sales_executive, catalog):
    client.force_login(sales_executive)
    assert _post(client).status_code == 403 and client.get(FILES).status_code == 403


def test_create_answers_only_post(contact_client, catalog):
    assert contact_client.get(CREATE).status_code == 405


# --- bad input: a message, never a 500 -------------------------------------------------------------


def test_an_unknown_format_is_reported_on_the_listing(contact_client, catalog):
    response = _post(contact_client, query="brand=lenovo", file_format="pdf")
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:category", args=["notebooks"]) + "?brand=lenovo"
    page = contact_client.get(response["Location"]).content.decode()
    assert "Choose Excel (XLSX) or CSV." in page


@pytest.mark.parametrize("scope", ["category:gone", "brand:gone", "category:<script>", "everything", ""])
def test_a_tampered_or_gone_listing_is_reported_on_the_catalog(contact_client, catalog, scope):
    response = _post(contact_client, scope=scope, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("catalog:home")
    assert re.search(r"no longer exists|cannot be downloaded", response.content.decode())


def test_a_tampered_query_gives_what_the_listing_shows(contact_client, catalog):
    # Bad values are left out, as the listing leaves them out.
    query = "min=abc&sort=%00&page=-4&brand=<b>"
    response = _post(contact_client, query=query, file_format="csv")
    assert response.status_code == 200
    skus = [row[7] for row in _csv_rows(response)[1:]]
    assert skus == _listing_skus(contact_client, reverse("catalog:category", args=["notebooks"]), query) and len(skus) == 3


def test_a_huge_query_is_reported_not_a_500(contact_client, catalog):
    response = _post(contact_client, query="attr=" + "x" * 3000, follow=True)
    assert response.status_code == 200 and "too many filters" in response.content.decode()


# --- query counts --------------------------------------------------------------------------------


def _exports(contact, count: int) -> list[PriceListExport]:
    states = list(PriceListExport.State)
    return PriceListExport.objects.bulk_create(
        PriceListExport(
            contact=contact, file_format="xlsx", title=f"Listing {i}", scope="category:notebooks",
            state=states[i % len(states)], total_rows=100, rows_written=i,
        )
        for i in range(count)
    )


@pytest.mark.parametrize("count", [2, 20])
def test_files_page_runs_the_same_queries_for_2_and_20_files(contact_client, contact, catalog, count, django_assert_num_queries):
    _exports(contact, count)
    # the user with its contact, account and price list, the files
    with django_assert_num_queries(2):
        response = contact_client.get(FILES)
    assert response.content.decode().count("data-export=") == count


@pytest.mark.parametrize("count", [2, 20])
def test_status_page_runs_the_same_queries_for_2_and_20_files(contact_client, contact, catalog, count, django_assert_num_queries):
    export = _exports(contact, count)[-1]
    # the user with its contact, account and price list, the export
    with django_assert_num_queries(2):
        assert contact_client.get(_status(export)).status_code == 200
    with django_assert_num_queries(2):
        assert contact_client.get(_status(export), headers={"HX-Request": "true"}).status_code == 200


def test_a_product_named_like_a_formula_comes_out_inert_in_both_files(contact_client, catalog, price_lists):
    hostile = ProductFactory(sku="NB-BAD-0666", name="=cmd()", brand=catalog["thinkpad"].brand, category=catalog["thinkpad"].category, attributes={"Note": "@SUM(A1)"})
    PriceFactory(price_list=price_lists["base"], product=hostile, amount=Decimal("1.00"))

    xlsx = _post(contact_client, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(_content(xlsx))).active
    cells = {row[7].value: row for row in sheet.iter_rows(min_row=2)}
    assert cells["NB-BAD-0666"][2].value == "'=cmd()" and cells["NB-BAD-0666"][2].data_type == "s"
    assert not any(
        cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")))
        for row in cells.values()
        for cell in row
    )

    rows = {row[7]: row for row in _csv_rows(_post(contact_client, file_format="csv"))[1:]}
    assert rows["NB-BAD-0666"][2] == "'=cmd()"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row)
