"""My Downloads through the client: "purchased licenses" (per processed or received order, its licences
and keys) and "Distributed keys" (the keys handed out), with permissions and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from licensing import services
from licensing.models import LicenceKey
from tests.licensing.conftest import place_vl
from tests.licensing.test_views_order import advance, extra_products

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def received(held_order, back_office):
    return advance(held_order, back_office, "received")


@pytest.fixture
def theirs_received(other_contact, other_account, vl_catalog, back_office):
    """A received Open Value order of Orbit IT, with its key."""
    other_account.credit_limit = 90_000_000
    other_account.save(update_fields=["credit_limit"])
    order = place_vl(other_contact, items=[(vl_catalog["office"], 1, None)], key="o" * 32, end_customer="Universidad Andina")
    return advance(order, back_office, "received")


# --- the two buttons --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["licensing:downloads", "licensing:downloads-keys"])
def test_my_downloads_has_the_two_buttons_on_the_left(contact_client, licensing_contact, name):
    page = contact_client.get(reverse(name)).content.decode()
    nav = page[page.index('class="downloads-nav"') :]
    assert "purchased licenses" in nav and "Distributed keys" in nav
    assert reverse("licensing:downloads") in nav and reverse("licensing:downloads-keys") in nav


@pytest.mark.parametrize("name", ["licensing:downloads", "licensing:downloads-keys"])
def test_my_downloads_needs_the_downloads_permission(contact_client, licensing_contact, name):
    licensing_contact.can_download = False
    licensing_contact.save()
    assert contact_client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["licensing:downloads", "licensing:downloads-keys"])
def test_my_downloads_answers_only_get(contact_client, licensing_contact, name):
    assert contact_client.post(reverse(name)).status_code == 405


def test_the_menu_offers_my_downloads_only_with_the_permission(contact_client, licensing_contact):
    assert reverse("licensing:downloads") in contact_client.get(reverse("accounts:account-detail")).content.decode()
    licensing_contact.can_download = False
    licensing_contact.save()
    assert reverse("licensing:downloads") not in contact_client.get(reverse("accounts:account-detail")).content.decode()


# --- purchased licenses ---------------------------------------------------------------------------------


def test_purchased_licenses_shows_each_processed_order_with_its_products_keys_and_authorization(
    contact_client, licensing_contact, received, theirs_received, vl_catalog
):
    held = place_vl(licensing_contact, items=[(vl_catalog["cal"], 5, None)], program="open_business", key="h" * 32)
    page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert f'data-order="{received.number}"' in page and reverse("licensing:order-detail", args=[received.number]) in page
    assert "Colegio Azteca" in page and "Open Value" in page and f"AUTH-{received.pk:05d}" in page
    assert "Office LTSC Standard 2024 Open Value" in page and "VL-MS-0002" in page
    for line in received.lines.all():
        assert f"KEY-{line.pk}-0" in page
    assert "available from" in page
    assert held.number not in page  # not processed yet
    assert theirs_received.number not in page and "Universidad Andina" not in page


def test_purchased_licenses_shows_no_key_before_the_order_is_received(contact_client, held_order, back_office):
    order = advance(held_order, back_office, "processed")
    LicenceKey.objects.create(line=order.lines.first(), key="RECORDED-NOT-YET-GIVEN")
    page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert f'data-order="{order.number}"' in page and "RECORDED-NOT-YET-GIVEN" not in page
    assert "with the order's receipt" in page


def test_purchased_licenses_links_the_ecertificate_once_released(contact_client, received):
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert services.vl_certificate_release(order_id=received.pk)
    page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert reverse("licensing:certificate", args=[received.number]) in page and "Download eCertificate" in page


def test_without_the_licensing_permission_orders_are_not_linked(contact_client, licensing_contact, received):
    licensing_contact.can_license = False
    licensing_contact.save()
    page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert received.number in page and reverse("licensing:order-detail", args=[received.number]) not in page


def test_an_account_without_processed_orders_is_told_so(contact_client, held_order):
    page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert "Your account has no processed licensing orders yet." in page


@pytest.mark.parametrize("count", [1, 20])
def test_purchased_licenses_costs_the_same_queries_for_1_or_20_orders(
    contact_client, licensing_contact, vl_catalog, price_lists, back_office, django_assert_num_queries, count
):
    products = extra_products(price_lists, 2)
    for n in range(count):
        order = place_vl(licensing_contact, items=[(product, 2, None) for product in products], key=f"{n:032d}")
        advance(order, back_office, "received", keys_per_line=2)
    # user, the count for the pages, the page of orders, their lines, the lines' keys
    with django_assert_num_queries(5):
        page = contact_client.get(reverse("licensing:downloads")).content.decode()
    assert page.count('data-order="') == count and page.count("<code>KEY-") == count * 4


# --- Distributed keys -------------------------------------------------------------------------------------


def test_distributed_keys_lists_the_keys_handed_out_with_product_order_and_date(contact_client, received, theirs_received):
    page = contact_client.get(reverse("licensing:downloads-keys")).content.decode()
    line = received.lines.get(sku="VL-MS-0001")
    key = line.keys.get()
    assert f'data-key="{key.pk}"' in page and key.key in page
    assert "Office LTSC Standard 2024 Open Value" in page and "VL-MS-0001" in page
    assert reverse("licensing:order-detail", args=[received.number]) in page
    assert f"{timezone.localtime(key.handed_out_at):%Y-%m-%d %H:%M}" in page
    for theirs in LicenceKey.objects.filter(line__order=theirs_received):
        assert theirs.key not in page


def test_keys_not_yet_handed_out_are_not_listed(contact_client, held_order, back_office):
    order = advance(held_order, back_office, "processed")
    line = order.lines.first()
    LicenceKey.objects.create(line=line, key="NOT-YET-HANDED-OUT")
    page = contact_client.get(reverse("licensing:downloads-keys")).content.decode()
    assert "NOT-YET-HANDED-OUT" not in page and "No software keys were handed out to your account yet." in page


def test_distributed_keys_searches_by_product_or_order_and_keeps_the_search(contact_client, received):
    office = received.lines.get(sku="VL-MS-0001").keys.get()
    server = received.lines.get(sku="VL-MS-0002").keys.get()
    page = contact_client.get(reverse("licensing:downloads-keys"), {"q": "office ltsc"}).content.decode()
    assert office.key in page and server.key not in page and 'value="office ltsc"' in page
    by_order = contact_client.get(reverse("licensing:downloads-keys"), {"q": received.number}).content.decode()
    assert office.key in by_order and server.key in by_order
    nothing = contact_client.get(reverse("licensing:downloads-keys"), {"q": "no such key"}).content.decode()
    assert "No keys match." in nothing


def test_a_search_too_long_is_told_and_kept(contact_client, received):
    response = contact_client.get(reverse("licensing:downloads-keys"), {"q": "x" * 101})
    page = response.content.decode()
    assert response.status_code == 200 and "Ensure this value has at most 100 characters (it has 101)." in page


def test_without_the_licensing_permission_a_keys_order_is_not_linked(contact_client, licensing_contact, received):
    licensing_contact.can_license = False
    licensing_contact.save()
    page = contact_client.get(reverse("licensing:downloads-keys")).content.decode()
    assert received.number in page and reverse("licensing:order-detail", args=[received.number]) not in page


@pytest.mark.parametrize("keys", [1, 20])
def test_distributed_keys_costs_the_same_queries_for_1_or_20_keys(
    contact_client, licensing_contact, vl_catalog, back_office, django_assert_num_queries, keys
):
    order = place_vl(licensing_contact, items=[(vl_catalog["office"], keys, None)])
    advance(order, back_office, "received", keys_per_line=keys)
    # user, the count for the pages, the page of keys (with their lines and orders)
    with django_assert_num_queries(3):
        page = contact_client.get(reverse("licensing:downloads-keys")).content.decode()
    assert page.count('data-key="') == keys
