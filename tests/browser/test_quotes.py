"""Quotes, as the help pages tell it: Option 1 from a product page, Option 2 from the cart, each down to
the downloaded PDF."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from orders.models import CartLine
from quotes.models import Quote
from tests.quotes.factories import make_quote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _pdf_text(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)


def _open_product(page: Page, name: str) -> None:
    page.get_by_role("banner").get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_role("link", name="Notebooks", exact=True).click()
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def _save_and_download(store, page: Page, number: str):
    """"save and download", the number in the confirmation, "save and download" again, the file."""
    page.get_by_role("button", name="save and download").click()
    dialog = page.get_by_role("dialog", name="Quote saved")
    expect(dialog).to_contain_text(f"Your quote was stored with number {number}.")
    store.shot(page, "quote saved dialog")
    # The PDF is made while the dialog shows its progress, then its download starts by itself.
    with page.expect_download() as info:
        dialog.get_by_role("button", name="save and download").click()
    download = info.value
    link = page.get_by_role("link", name=f"Download {number}.pdf")
    expect(link).to_be_visible()
    store.shot(page, "pdf ready")
    assert download.suggested_filename == f"{number}.pdf"
    return _pdf_text(download.path())


def test_option_1_add_to_quote_from_products_then_save_and_download(store, contact, stocked, password):
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)

    # "Add to quote" on a product page: the dialog confirms; continue adding products.
    _open_product(buyer, "ThinkPad E14 Notebook")
    buyer.get_by_label("Amount to quote").fill("2")
    buyer.get_by_role("button", name="Add to quote").click()
    dialog = buyer.get_by_role("dialog", name="Added to your quote")
    expect(dialog).to_contain_text("2 × ThinkPad E14 Notebook")
    number = Quote.objects.get(current_for=contact).number
    expect(dialog).to_contain_text(f"Your quote number is {number}.")
    store.shot(buyer, "added to quote dialog")
    dialog.get_by_role("button", name="Continue adding products").click()
    expect(dialog).to_have_count(0)

    # A second product, then "Go to the quote".
    _open_product(buyer, "Latitude 5440 Notebook")
    buyer.get_by_role("button", name="Add to quote").click()
    buyer.get_by_role("dialog", name="Added to your quote").get_by_role("link", name="Go to the quote").click()
    expect(buyer.get_by_role("heading", name=re.compile(rf"^Quote {number}"))).to_be_visible()
    expect(buyer.locator("table.quote-lines tbody tr")).to_have_count(2)

    # Add a customer.
    add_customer = store.section(buyer, "Add customer")
    add_customer.get_by_label(store.label("Company")).fill("Globex Retail")
    add_customer.get_by_label(store.label("Contact")).fill("Gina Lopez")
    add_customer.get_by_label(store.label("Tax id")).fill("GLX010101AAA")
    add_customer.get_by_label(store.label("Address")).fill("Av. Reforma 100, CDMX")
    add_customer.get_by_label(store.label("Email")).fill("gina@globex.test")
    add_customer.get_by_label(store.label("Phone")).fill("+52 55 1111 2222")
    add_customer.get_by_role("button", name="Add customer").click()
    store.expect_message(buyer, "The customer Globex Retail was saved on the quote.")
    expect(buyer.get_by_label(store.label("Customer"))).to_have_value(str(Quote.objects.get(number=number).customer_id))

    # More products by SKU.
    add_product = store.section(buyer, "Add products")
    add_product.get_by_label(store.label("SKU or part number")).fill("MN-DEL-0004")
    add_product.get_by_label(store.label("Amount")).fill("1")
    add_product.get_by_role("button", name="Add to quote").click()
    expect(buyer.locator("table.quote-lines tbody tr")).to_have_count(3)

    # Profit for the whole quote, 10 %: the total follows through htmx (2 × 15,510 + 23,100 + 3,850).
    buyer.get_by_label(store.label("Profit for the whole quote")).select_option("percent")
    buyer.get_by_label(store.label("Profit value")).fill("10")
    expect(buyer.locator("#quote-totals")).to_contain_text("57,970.00 MXN")
    # An exact value on the monitor's line: 3,500 + 400 = 3,900.
    buyer.get_by_label("Profit of MN-DEL-0004").select_option("amount")
    buyer.get_by_label("Profit value of MN-DEL-0004").fill("400")
    expect(buyer.locator("#quote-totals")).to_contain_text("58,020.00 MXN")
    # A negative profit is refused with the line's name.
    buyer.get_by_label("Profit value of MN-DEL-0004").fill("-400")
    expect(buyer.locator("#quote-totals").get_by_role("alert")).to_contain_text("MN-DEL-0004: The profit cannot be negative")
    buyer.get_by_label("Profit value of MN-DEL-0004").fill("400")
    expect(buyer.locator("#quote-totals")).to_contain_text("58,020.00 MXN")
    buyer.get_by_label(store.label("Notes")).fill("Delivery in five working days.")
    store.shot(buyer, "quote page")

    # "save and download", twice, and the PDF.
    text = _save_and_download(store, buyer, number)
    assert "Acme Reseller" in text and "Globex Retail" in text and number in text
    assert "15,510.00" in text and "31,020.00" in text and "3,900.00" in text and "58,020.00 MXN" in text
    assert "14,100.00" not in text and "21,000.00" not in text and "3,500.00" not in text

    # The quotes list: number, customer, total, who made it.
    buyer.get_by_role("button", name="Close").click()
    store.my_account(buyer, "Quotes")
    row = buyer.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Globex Retail")
    expect(row).to_contain_text("58,020.00 MXN")
    expect(row).to_contain_text("Carlos Bermudez")
    store.shot(buyer, "quotes list")


def test_option_2_move_the_cart_to_a_quote_activate_it_and_move_it_back_to_the_cart(store, contact, stocked, password):
    # Given a current quote from earlier
    earlier = make_quote(contact, lines=[(stocked["monitor"], "3500.00", 1)], current=True)
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)

    # Add to Cart, "go to shopping cart".
    _open_product(buyer, "ThinkPad E14 Notebook")
    buyer.get_by_label("Amount", exact=True).fill("3")
    buyer.get_by_role("button", name="Add to cart").click()
    buyer.get_by_role("dialog", name="Added to your cart").get_by_role("link", name="Go to cart").click()
    expect(buyer.get_by_role("heading", name="Shopping cart")).to_be_visible()

    # "Move to quote": the warning, then "Accept".
    buyer.get_by_role("link", name="Move to quote").click()
    warning = buyer.get_by_role("alertdialog", name="Move to quote")
    expect(warning).to_contain_text("Your order will become a quotation and your shopping cart will be emptied.")
    store.shot(buyer, "move to quote warning")
    warning.get_by_role("button", name="Accept").click()

    # The confirmation with the number; the cart is empty.
    expect(buyer.get_by_role("heading", name="Your quote was stored")).to_be_visible()
    number = Quote.objects.exclude(pk=earlier.pk).get().number
    expect(store.header(buyer).get_by_role("link", name="Cart (0)")).to_be_visible()
    buyer.get_by_role("link", name=number, exact=True).click()
    expect(buyer.get_by_role("heading", name=re.compile(rf"^Quote {number}"))).to_be_visible()

    # "Activate Quote": the question, then "Accept".
    buyer.get_by_role("link", name="Activate Quote").click()
    question = buyer.get_by_role("alertdialog", name="Activate Quote")
    expect(question).to_contain_text("The contents of your current quote will be replaced. Do you really want to activate this quote?")
    store.shot(buyer, "activate quote question")
    question.get_by_role("button", name="Accept").click()
    store.expect_message(buyer, f"Quote {number} is now your current quote.")
    assert Quote.objects.get(current_for=contact).number == number

    # Profit as an exact value for the whole quote: 14,100 + 1,900 = 16,000 a unit.
    buyer.get_by_label(store.label("Profit for the whole quote")).select_option("amount")
    buyer.get_by_label(store.label("Profit value")).fill("1900")
    expect(buyer.locator("#quote-totals")).to_contain_text("48,000.00 MXN")
    text = _save_and_download(store, buyer, number)
    assert "16,000.00" in text and "48,000.00 MXN" in text and "14,100.00" not in text

    # "Move to cart" from the quotes list puts the lines back in the cart.
    buyer.get_by_role("button", name="Close").click()
    store.my_account(buyer, "Quotes")
    buyer.get_by_role("row").filter(has_text=number).get_by_role("button", name="Move to cart").click()
    store.expect_message(buyer, f"1 product of quote {number} was added to your cart.")
    expect(buyer.get_by_label("Amount of NB-LEN-0001")).to_have_value("3")
    assert dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity")) == {"NB-LEN-0001": 3}
