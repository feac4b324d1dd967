"""The cart's pages: Add to cart (dialog or redirect), update, remove, Add item to cart, Add multiple products."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from orders import services
from orders.models import CartLine
from tests.catalog.factories import AvailabilityFactory, PriceFactory, ProductFactory

HTMX = {"HX-Request": "true"}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _cart(contact) -> dict[str, int]:
    """The contact's cart as {SKU: amount}."""
    return dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity"))


def _skus(response) -> list[str]:
    return re.findall(r'data-sku="([^"]+)"', response.content.decode())


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


# --- Add to cart --------------------------------------------------------------------------------------


def test_add_to_cart_through_htmx_answers_the_dialog_and_the_header_count(contact_client, contact, stocked):
    response = contact_client.post(
        reverse("orders:cart-add"), {"product": stocked["thinkpad"].pk, "quantity": "2", "next": "/catalog/"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    assert "Added to your cart" in page and "2 × ThinkPad E14 Notebook" in page
    assert "Go to cart" in page and "Continue Shopping" in page
    assert f'href="{reverse("orders:cart")}"' in page
    assert re.search(r'<span id="cart-count" hx-swap-oob="true">1</span>', page)
    assert "HX-Request" in response["Vary"]
    assert _cart(contact) == {"NB-LEN-0001": 2}


def test_continue_shopping_empties_the_dialog(contact_client):
    response = contact_client.get(reverse("orders:dialog-close"), headers=HTMX)
    assert response.status_code == 200 and response.content == b""


def test_adding_the_same_product_again_adds_up_and_keeps_the_count(contact_client, contact, stocked):
    url = reverse("orders:cart-add")
    contact_client.post(url, {"product": stocked["thinkpad"].pk, "quantity": "1"}, headers=HTMX)
    page = contact_client.post(url, {"product": stocked["thinkpad"].pk, "quantity": "3"}, headers=HTMX).content.decode()
    assert '<span id="cart-count" hx-swap-oob="true">1</span>' in page
    assert _cart(contact) == {"NB-LEN-0001": 4}


def test_the_header_count_grows_by_a_new_product_only_and_stays_when_an_add_is_refused(contact_client, contact, stocked):
    url = reverse("orders:cart-add")

    def count_after(product, quantity="1"):
        page = contact_client.post(url, {"product": product.pk, "quantity": quantity}, headers=HTMX).content.decode()
        return re.search(r'<span id="cart-count" hx-swap-oob="true">(\d+)</span>', page).group(1)

    assert count_after(stocked["thinkpad"]) == "1"
    assert count_after(stocked["latitude"]) == "2"
    assert count_after(stocked["latitude"], "2") == "2"
    assert count_after(stocked["thinkpad"], "9999") == "2"  # over the maximum a line holds: refused
    stocked["monitor"].is_active = False
    stocked["monitor"].save(update_fields=["is_active"])
    assert count_after(stocked["monitor"]) == "2"
    assert _cart(contact) == {"NB-LEN-0001": 1, "NB-DEL-0003": 3}


def test_add_to_cart_without_htmx_redirects_back_with_a_message(contact_client, contact, stocked):
    back = reverse("catalog:category", args=["notebooks"])
    response = contact_client.post(reverse("orders:cart-add"), {"product": stocked["latitude"].pk, "quantity": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert _messages(response) == ["Latitude 5440 Notebook was added to your cart."]
    # The next page's header counts the line (the full page, not a dialog).
    page = contact_client.get(back).content.decode()
    assert re.search(r'Cart \(<span id="cart-count">1</span>\)', page)


def test_add_to_cart_never_redirects_to_another_site(contact_client, stocked):
    response = contact_client.post(
        reverse("orders:cart-add"), {"product": stocked["latitude"].pk, "quantity": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("orders:cart")


@pytest.mark.parametrize("quantity", ["", "abc", "0", "-2", "1.5", "10000"])
def test_a_bad_amount_is_a_message_and_adds_nothing(contact_client, contact, stocked, quantity):
    data = {"product": stocked["thinkpad"].pk, "quantity": quantity}
    response = contact_client.post(reverse("orders:cart-add"), data)
    assert response.status_code == 302
    assert _messages(response) == ["The amount must be a whole number from 1 to 9999."]
    # Through htmx, the dialog says so instead.
    page = contact_client.post(reverse("orders:cart-add"), data, headers=HTMX).content.decode()
    assert "Not added to your cart" in page and "The amount must be a whole number from 1 to 9999." in page
    assert '<span id="cart-count" hx-swap-oob="true">0</span>' in page
    assert _cart(contact) == {}


def test_a_product_without_a_price_for_the_account_is_a_message(contact_client, contact, stocked):
    stocked["monitor"].prices.all().delete()
    response = contact_client.post(reverse("orders:cart-add"), {"product": stocked["monitor"].pk, "quantity": "1"})
    assert _messages(response) == ["This product has no price for your account: ask your sales executive."]
    assert _cart(contact) == {}


def test_an_unknown_or_withdrawn_product_says_it_is_no_longer_sold(contact_client, stocked):
    stocked["monitor"].is_active = False
    stocked["monitor"].save(update_fields=["is_active"])
    url = reverse("orders:cart-add")
    # Through htmx the dialog says so (a bare 404 would leave the button doing nothing).
    dialog = contact_client.post(url, {"product": stocked["monitor"].pk, "quantity": "1"}, headers={"HX-Request": "true"})
    assert "This product is no longer sold." in dialog.content.decode()
    page = contact_client.post(url, {"product": 999999, "quantity": "1"}, follow=True)
    assert "This product is no longer sold." in page.content.decode()
    assert not CartLine.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, stocked):
    for method, url in [
        ("post", reverse("orders:cart-add")),
        ("get", reverse("orders:cart")),
        ("post", reverse("orders:cart-update")),
        ("post", reverse("orders:cart-add-item")),
        ("post", reverse("orders:cart-add-multiple")),
    ]:
        response = getattr(client, method)(url, {"product": stocked["thinkpad"].pk, "quantity": "1"} if method == "post" else None)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url
    assert not CartLine.objects.exists()


def test_a_contact_without_price_permission_gets_403(client, contact, stocked):
    contact.can_see_prices = False
    contact.save(update_fields=["can_see_prices"])
    client.force_login(contact.user)
    assert client.post(reverse("orders:cart-add"), {"product": stocked["thinkpad"].pk, "quantity": "1"}).status_code == 403
    assert client.get(reverse("orders:cart")).status_code == 403
    assert client.post(reverse("orders:cart-add-item"), {"code": "NB-LEN-0001", "quantity": "1"}).status_code == 403
    # And the header has no cart link.
    assert 'id="cart-count"' not in client.get(reverse("catalog:home")).content.decode()
    assert not CartLine.objects.exists()


def test_a_contact_that_neither_orders_nor_quotes_gets_403(client, contact, stocked):
    contact.can_order = contact.can_quote = False
    contact.save(update_fields=["can_order", "can_quote"])
    client.force_login(contact.user)
    assert client.post(reverse("orders:cart-add"), {"product": stocked["thinkpad"].pk, "quantity": "1"}).status_code == 403


def test_add_to_cart_only_takes_a_post(contact_client, stocked):
    assert contact_client.get(reverse("orders:cart-add")).status_code == 405


# --- the cart page: update and remove ---------------------------------------------------------------


def test_the_cart_page_lists_the_lines_at_todays_prices_with_the_total(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.get(reverse("orders:cart"))
    page = response.content.decode()
    assert _skus(response) == ["NB-LEN-0001", "NB-DEL-0003"]
    assert "28,200.00" in page and "49,200.00 MXN" in page
    for label in ("update", "remove", "Continue Shopping", "Generate Order", "Add item to cart", "Add multiple products"):
        assert label in page


def test_the_cart_says_when_a_price_changed_since_it_was_added(contact_client, contact, stocked, price_lists):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    stocked["thinkpad"].prices.filter(price_list=price_lists["gold"]).update(amount=Decimal("13500.00"))
    page = contact_client.get(reverse("orders:cart")).content.decode()
    assert "The price changed since you added it (was 14,100.00)." in page and "13,500.00" in page


def test_update_sets_the_amounts_and_zero_removes_a_line(contact_client, contact, stocked):
    a = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    b = services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.post(reverse("orders:cart-update"), {f"quantity-{a.pk}": " 3 ", f"quantity-{b.pk}": "0"})
    assert response.status_code == 302 and response["Location"] == reverse("orders:cart")
    assert _messages(response) == ["Your cart was updated."]
    assert _cart(contact) == {"NB-LEN-0001": 3}


@pytest.mark.parametrize("value", ["abc", "", "2.5"])
def test_update_with_an_amount_that_is_not_a_number_changes_nothing(contact_client, contact, stocked, value):
    a = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    b = services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.post(reverse("orders:cart-update"), {f"quantity-{a.pk}": "5", f"quantity-{b.pk}": value})
    assert response["Location"] == reverse("orders:cart")
    assert _messages(response) == [f"Amounts must be whole numbers (“{value}” is not)."]
    assert _cart(contact) == {"NB-LEN-0001": 1, "NB-DEL-0003": 1}


def test_update_with_an_amount_out_of_range_changes_nothing(contact_client, contact, stocked):
    a = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    b = services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.post(reverse("orders:cart-update"), {f"quantity-{a.pk}": "5", f"quantity-{b.pk}": "10000"})
    assert _messages(response) == ["The amount must be a whole number from 1 to 9999."]
    assert _cart(contact) == {"NB-LEN-0001": 1, "NB-DEL-0003": 1}


def test_update_cannot_touch_another_contacts_line(contact_client, contact, other_contact, stocked):
    theirs = services.cart_add(contact=other_contact, product=stocked["thinkpad"], quantity=1)
    contact_client.post(reverse("orders:cart-update"), {f"quantity-{theirs.pk}": "0"})
    contact_client.post(reverse("orders:cart-update"), {f"quantity-{theirs.pk}": "7"})
    assert _cart(other_contact) == {"NB-LEN-0001": 1} and _cart(contact) == {}


def test_remove_takes_the_line_out(contact_client, contact, stocked):
    a = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    response = contact_client.post(reverse("orders:cart-remove", args=[a.pk]))
    assert response["Location"] == reverse("orders:cart")
    assert _messages(response) == ["The product was removed from your cart."]
    assert _cart(contact) == {"NB-DEL-0003": 1}
    # Twice is harmless.
    assert contact_client.post(reverse("orders:cart-remove", args=[a.pk])).status_code == 302


def test_removing_another_contacts_line_id_removes_nothing(contact_client, contact, other_contact, admin_contact, stocked):
    theirs = services.cart_add(contact=other_contact, product=stocked["thinkpad"], quantity=1)
    colleague = services.cart_add(contact=admin_contact, product=stocked["thinkpad"], quantity=2)
    mine = services.cart_add(contact=contact, product=stocked["latitude"], quantity=1)
    for line_id in (theirs.pk, colleague.pk, 999999):
        assert contact_client.post(reverse("orders:cart-remove", args=[line_id])).status_code == 302
    assert CartLine.objects.filter(pk__in=[theirs.pk, colleague.pk, mine.pk]).count() == 3


def test_remove_only_takes_a_post(contact_client, contact, stocked):
    line = services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    assert contact_client.get(reverse("orders:cart-remove", args=[line.pk])).status_code == 405
    assert _cart(contact) == {"NB-LEN-0001": 1}


def test_without_the_order_permission_the_cart_offers_no_generate_order(client, contact, stocked):
    contact.can_order = False
    contact.save(update_fields=["can_order"])
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    client.force_login(contact.user)
    page = client.get(reverse("orders:cart")).content.decode()
    assert "NB-LEN-0001" in page and "Generate Order" not in page


# --- Add item to cart -------------------------------------------------------------------------------


def test_add_item_to_cart_by_sku_or_part_number(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-item"), {"code": " lat5440 ", "quantity": "2"})
    assert response["Location"] == reverse("orders:cart")
    assert _messages(response) == ["Latitude 5440 Notebook was added to your cart."]
    assert _cart(contact) == {"NB-DEL-0003": 2}


def test_add_item_to_cart_with_an_unknown_sku_keeps_what_was_typed(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-item"), {"code": "NOPE-123", "quantity": "2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "No product has the SKU or part number “NOPE-123”." in page
    assert re.search(r'<input[^>]*name="code"[^>]*value="NOPE-123"', page)
    assert "<h1>Shopping cart</h1>" in page
    assert _cart(contact) == {}


def test_add_item_to_cart_with_a_bad_amount_says_so(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-item"), {"code": "NB-LEN-0001", "quantity": "many"})
    assert response.status_code == 200 and "Enter a whole number." in response.content.decode()
    assert _cart(contact) == {}


# --- Add multiple products --------------------------------------------------------------------------


def test_add_multiple_from_pasted_text_adds_the_good_and_lists_the_bad(contact_client, contact, stocked):
    text = "NB-LEN-0001 2\nNOPE-1 1\n\nLAT5440;three\nMN-DEL-0004,1"
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": text})
    page = response.content.decode()
    assert response.status_code == 200
    assert "These lines were not added:" in page
    assert "Line 2 (NOPE-1 1): Unknown SKU or part number." in page
    assert "Line 4 (LAT5440 three): The amount is not a whole number from 1 to 9999." in page
    assert _messages(response) == ["2 products were added to your cart."]
    assert _cart(contact) == {"NB-LEN-0001": 2, "MN-DEL-0004": 1}
    # The page shows the cart with the added lines, and the pasted text for correcting.
    assert _skus(response) == ["NB-LEN-0001", "MN-DEL-0004"]
    assert "NOPE-1 1" in page


def test_after_add_multiple_the_header_counts_the_lines_just_added(contact_client, contact, stocked):
    services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "LAT5440 1\nMN-DEL-0004 1\nNOPE-1 1"})
    assert len(_skus(response)) == 3
    # The page shows three lines; its header must count three, not the one it had before.
    assert re.search(r'Cart \(<span id="cart-count">3</span>\)', response.content.decode())


def test_add_multiple_of_one_good_line_says_one_product(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "LAT5440 1\nNOPE-1 1"})
    assert _messages(response) == ["1 product was added to your cart."]


def test_add_multiple_with_every_line_good_goes_back_to_the_cart(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "NB-LEN-0001 2\nLAT5440\t1"})
    assert response["Location"] == reverse("orders:cart")
    assert _cart(contact) == {"NB-LEN-0001": 2, "NB-DEL-0003": 1}


def test_add_multiple_from_a_csv_file_with_a_header_and_semicolons(contact_client, contact, stocked):
    upload = SimpleUploadedFile("order.csv", "\ufeffSKU;Amount\r\nNB-LEN-0001;2\r\nLAT5440;1\r\n".encode(), content_type="text/csv")
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "", "file": upload})
    assert response["Location"] == reverse("orders:cart")
    assert _cart(contact) == {"NB-LEN-0001": 2, "NB-DEL-0003": 1}


def test_add_multiple_from_an_xlsx_file(contact_client, contact, stocked):
    data = _xlsx([["SKU", "Amount"], ["NB-LEN-0001", 2.0], ["21K0001", 1], ["NOPE-2", 1]])
    upload = SimpleUploadedFile("order.xlsx", data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"file": upload})
    assert "Line 4 (NOPE-2 1): Unknown SKU or part number." in response.content.decode()
    # The SKU and its part number name the same product: one line, amounts added up.
    assert _cart(contact) == {"NB-LEN-0001": 3}


def test_add_multiple_refuses_a_file_of_the_wrong_type(contact_client, contact, stocked):
    upload = SimpleUploadedFile("order.pdf", b"%PDF-1.4 NB-LEN-0001;2", content_type="application/pdf")
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"file": upload})
    assert response.status_code == 200 and "Upload a CSV or XLSX file." in response.content.decode()
    assert _cart(contact) == {}


def test_add_multiple_from_a_file_with_only_its_header_says_so(contact_client, contact, stocked):
    upload = SimpleUploadedFile("order.csv", b"SKU;Amount\r\n", content_type="text/csv")
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"file": upload})
    assert "Enter at least one line: a SKU or part number and an amount." in response.content.decode()
    assert _cart(contact) == {}


def test_add_multiple_with_nothing_pasted_says_so(contact_client, contact, stocked):
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": "  \n "})
    assert "Paste some lines or choose a file." in response.content.decode()
    assert _cart(contact) == {}


def test_add_multiple_with_too_many_lines_is_refused_whole(contact_client, contact, stocked):
    text = "\n".join(["NB-LEN-0001 1"] * 501)
    response = contact_client.post(reverse("orders:cart-add-multiple"), {"lines": text})
    assert "At most 500 lines at a time." in response.content.decode()
    assert _cart(contact) == {}


# --- a fixed number of queries whatever the cart's size ---------------------------------------------


@pytest.fixture
def cart_of(contact, catalog, price_lists):
    def fill(n: int) -> None:
        category, brand = catalog["thinkpad"].category, catalog["thinkpad"].brand
        for i in range(n):
            product = ProductFactory(category=category, brand=brand)
            PriceFactory(price_list=price_lists["base"], product=product, amount=Decimal(100 + i))
            AvailabilityFactory(product=product, country="MX", quantity=i % 4)
            services.cart_add(contact=contact, product=product, quantity=1 + i % 3)

    return fill


@pytest.mark.parametrize("lines", [5, 50])
def test_the_cart_page_runs_the_same_queries_for_5_and_50_lines(contact_client, cart_of, lines, django_assert_num_queries):
    cart_of(lines)
    # user with contact, account and cart count; cart lines with products; their prices and stock
    with django_assert_num_queries(3):
        response = contact_client.get(reverse("orders:cart"))
    assert len(_skus(response)) == lines
