"""Buying, as the help pages tell it: add to cart, the cart, Generate Order, Finish order, order status."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account
from orders.models import CartLine, Order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _cart_link(store, page: Page, count: int):
    """The header's cart link, showing that many lines."""
    return store.header(page).get_by_role("link", name=f"Cart ({count})", exact=True)


def _row(page: Page, text: str):
    return page.get_by_role("row").filter(has_text=text)


def _cart_rows(page: Page):
    return page.locator("table.cart tbody tr")


def test_a_contact_buys_from_the_listing_to_the_order_status(store, mailbox, contact, stocked, password):
    # Sign in, open a listing.
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)
    store.expect_signed_in_as(buyer, "Carlos Bermudez")
    expect(_cart_link(store, buyer, 0)).to_be_visible()
    buyer.get_by_role("link", name="Catalog", exact=True).click()
    buyer.get_by_role("link", name="Notebooks", exact=True).click()
    expect(buyer.get_by_role("heading", name=re.compile(r"^Notebooks"))).to_be_visible()

    # "Add to cart" on a row: the dialog offers "Go to cart" and "Continue Shopping", over the listing.
    listing_url = buyer.url
    buyer.evaluate("window.stillTheSamePage = true")
    _row(buyer, "ThinkPad E14 Notebook").get_by_role("button", name="Add to cart").click()
    dialog = buyer.get_by_role("dialog", name="Added to your cart")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1 × ThinkPad E14 Notebook")
    expect(dialog.get_by_role("link", name="Go to cart")).to_be_visible()
    store.shot(buyer, "added to cart dialog")

    # "Continue Shopping" closes it; the header counts the line, and the page was never reloaded.
    dialog.get_by_role("button", name="Continue Shopping").click()
    expect(dialog).to_have_count(0)
    expect(_cart_link(store, buyer, 1)).to_be_visible()
    assert buyer.url == listing_url and buyer.evaluate("window.stillTheSamePage") is True
    store.shot(buyer, "listing with cart count 1")

    # Another product from its product page, with an amount of 2, then "Go to cart".
    buyer.get_by_role("link", name="Latitude 5440 Notebook", exact=True).click()
    expect(buyer.get_by_role("heading", name="Latitude 5440 Notebook")).to_be_visible()
    buyer.get_by_label("Amount", exact=True).fill("2")
    buyer.get_by_role("button", name="Add to cart").click()
    dialog = buyer.get_by_role("dialog", name="Added to your cart")
    expect(dialog).to_contain_text("2 × Latitude 5440 Notebook")
    expect(_cart_link(store, buyer, 2)).to_be_visible()
    dialog.get_by_role("link", name="Go to cart").click()

    # The shopping list: change an amount and "update".
    expect(buyer.get_by_role("heading", name="Shopping cart")).to_be_visible()
    expect(_cart_rows(buyer)).to_have_count(2)
    expect(buyer.get_by_label("Amount of NB-DEL-0003")).to_have_value("2")
    buyer.get_by_label("Amount of NB-LEN-0001").fill("3")
    buyer.get_by_role("button", name="update", exact=True).click()
    store.expect_message(buyer, "Your cart was updated.")
    expect(buyer.get_by_label("Amount of NB-LEN-0001")).to_have_value("3")
    expect(buyer.locator("table.cart tfoot")).to_contain_text("84,300.00 MXN")  # 3 × 14,100 + 2 × 21,000

    # "remove" a line.
    _row(buyer, "NB-DEL-0003").get_by_role("button", name="remove").click()
    store.expect_message(buyer, "The product was removed from your cart.")
    expect(_cart_rows(buyer)).to_have_count(1)
    expect(_cart_link(store, buyer, 1)).to_be_visible()

    # "Add item to cart" by SKU or part number.
    add_item = store.section(buyer, "Add item to cart")
    add_item.get_by_label(store.label("SKU or part number")).fill("MN-DEL-0004")
    add_item.get_by_label(store.label("Amount")).fill("1")
    add_item.get_by_role("button", name="Add to cart").click()
    store.expect_message(buyer, "Dell 24 Monitor P2425H was added to your cart.")
    expect(_cart_rows(buyer)).to_have_count(2)

    # "Add multiple products": the good line is added, the bad one listed with its reason.
    add_many = store.section(buyer, "Add multiple products")
    add_many.get_by_label(store.label("Paste one product per line: SKU or part number, then the amount")).fill("LAT5440 1\nNOPE-404 2")
    add_many.get_by_role("button", name="Add multiple products").click()
    problems = store.section(buyer, "Add multiple products").get_by_role("alert")
    expect(problems).to_contain_text("These lines were not added:")
    expect(problems).to_contain_text("Line 2 (NOPE-404 2): Unknown SKU or part number.")
    store.expect_message(buyer, re.compile(r"^1 products? (was|were) added to your cart\.$"))
    expect(_cart_rows(buyer)).to_have_count(3)
    store.shot(buyer, "cart after add multiple products")
    # Checked at the end, so that the rest of the flow still runs (and is photographed) if they fail.
    wrong = []
    header_cart = store.header(buyer).get_by_role("link", name=re.compile(r"^Cart \(")).inner_text()
    if header_cart != "Cart (3)":
        wrong.append(f"after Add multiple products the header reads {header_cart!r} over a cart of 3 lines")
    messages = buyer.get_by_role("status").all_inner_texts()
    if "1 product was added to your cart." not in messages:
        wrong.append(f"after Add multiple products of one good line the message reads {messages!r}")

    # "Generate Order": the order, with shipment type, observations and payment method.
    buyer.get_by_role("link", name="Generate Order").click()
    expect(buyer.get_by_role("heading", name="Your order")).to_be_visible()
    expect(buyer.locator("table.cart tbody tr")).to_have_count(3)
    expect(buyer.get_by_text("Available credit: 500,000.00 MXN.")).to_be_visible()
    buyer.get_by_role("radio", name="Courier").check()
    buyer.get_by_role("radio", name="Credit line").check()
    buyer.get_by_label(store.label("Observations")).fill("Deliver to the loading dock, door 4.")
    store.shot(buyer, "generate order form")
    buyer.get_by_role("button", name="Finish order").click()

    # The order number.
    expect(buyer.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    confirmation = buyer.get_by_text(re.compile(r"Your order number is SO\d{8}\."))
    expect(confirmation).to_be_visible()
    number = re.search(r"SO\d{8}", confirmation.inner_text()).group(0)
    expect(buyer.get_by_text("Total 66,800.00 MXN. We sent the order to carlos@acme.test.")).to_be_visible()
    expect(_cart_link(store, buyer, 0)).to_be_visible()
    store.shot(buyer, "order placed")

    # MY ACCOUNT → Transactions: order status lists it as Placed.
    store.my_account(buyer, "Transactions")
    expect(buyer.get_by_role("heading", name="Transactions: order status")).to_be_visible()
    row = _row(buyer, number)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Placed")
    expect(row).to_contain_text("66,800.00 MXN")
    expect(row).to_contain_text("Carlos Bermudez")
    store.shot(buyer, "order status")

    # Open it: its lines as ordered.
    row.get_by_role("link", name=number).click()
    expect(buyer.get_by_role("heading", name=re.compile(rf"^Order {number}"))).to_contain_text("Placed")
    lines = buyer.locator("table.order-lines tbody tr")
    expect(lines).to_have_count(3)
    expect(lines.nth(0)).to_contain_text("NB-LEN-0001")
    expect(lines.nth(0)).to_contain_text("42,300.00")
    expect(lines.nth(1)).to_contain_text("MN-DEL-0004")
    expect(lines.nth(2)).to_contain_text("NB-DEL-0003")
    expect(buyer.get_by_text("Deliver to the loading dock, door 4.")).to_be_visible()
    expect(buyer.get_by_text("Courier", exact=True)).to_be_visible()
    store.shot(buyer, "order page")

    # The order email, in the development outbox.
    email = mailbox.latest(buyer, "carlos@acme.test", number)
    expect(email).to_contain_text(f"We received your order {number}.")
    expect(email).to_contain_text("3 × NB-LEN-0001 ThinkPad E14 Notebook")
    expect(email).to_contain_text("Total: 66800.00 MXN")
    store.shot(buyer, "order email")

    order = Order.objects.get(number=number)
    assert (order.state, order.shipment_type, order.payment_method) == ("placed", "courier", "credit")
    assert order.total == Decimal("66800.00") and not CartLine.objects.filter(cart__contact=contact).exists()
    assert not wrong, wrong


def test_an_order_beyond_the_available_credit_is_refused_and_the_cart_kept(store, contact, account, stocked, password):
    # Given 10,000.00 MXN of credit left
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("20000.00"), credit_used=Decimal("10000.00"))
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)

    # When the contact orders a 14,100.00 notebook on the credit line
    buyer.get_by_role("searchbox", name="Search by name, SKU or part number").fill("NB-LEN-0001")
    buyer.get_by_role("button", name="Search", exact=True).click()
    buyer.get_by_role("button", name="Add to cart").click()
    buyer.get_by_role("dialog", name="Added to your cart").get_by_role("link", name="Go to cart").click()
    buyer.get_by_role("link", name="Generate Order").click()
    expect(buyer.get_by_text("Available credit: 10,000.00 MXN.")).to_be_visible()
    buyer.get_by_role("radio", name="Pickup at the warehouse").check()
    buyer.get_by_role("button", name="Finish order").click()

    # Then the Generate Order page says by how much, and nothing is ordered
    expect(buyer.get_by_role("heading", name="Your order")).to_be_visible()
    expect(buyer.get_by_role("alert").filter(has_text="exceeds")).to_have_text(
        "The order (14,100.00 MXN) exceeds your available credit (10,000.00 MXN) by 4,100.00 MXN."
    )
    store.shot(buyer, "credit exceeded")
    assert not Order.objects.exists()

    # And the cart is as it was
    buyer.get_by_role("link", name="Back to the cart").click()
    expect(_cart_rows(buyer)).to_have_count(1)
    expect(buyer.get_by_label("Amount of NB-LEN-0001")).to_have_value("1")
    expect(_cart_link(store, buyer, 1)).to_be_visible()
    assert dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity")) == {"NB-LEN-0001": 1}
