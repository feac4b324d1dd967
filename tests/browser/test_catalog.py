"""The catalog as a visitor and as a reseller's contact: browse, filter, search, product page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(page):
    return page.locator("table.products tbody tr")


def test_visitor_browses_a_category_and_sees_no_prices(store, catalog):
    visitor = store.start()
    visitor.get_by_role("link", name="Catalog", exact=True).click()
    visitor.get_by_role("link", name="Computers", exact=True).click()
    expect(visitor.get_by_role("heading", name=re.compile(r"^Computers"))).to_be_visible()
    expect(_rows(visitor)).to_have_count(4)
    expect(visitor.get_by_text("Sign in to see prices").first).to_be_visible()
    expect(visitor.get_by_text(re.compile(r"\d+ in stock"))).to_have_count(0)
    expect(visitor.get_by_text("Price List")).to_have_count(0)
    store.shot(visitor, "visitor category without prices")


def test_contact_filters_searches_and_sees_its_own_price(store, catalog, contact, other_admin, password):
    buyer = store.start()
    store.sign_in(buyer, "carlos", password)
    buyer.get_by_role("link", name="Catalog", exact=True).click()
    buyer.get_by_role("link", name="Computers", exact=True).click()
    expect(_rows(buyer)).to_have_count(4)

    # Filters apply through htmx: the listing changes, the address follows, and back undoes it.
    listing_url = buyer.url
    buyer.get_by_role("checkbox", name=re.compile(r"^Lenovo")).check()
    expect(_rows(buyer)).to_have_count(2)
    expect(buyer).to_have_url(re.compile(r"brand=lenovo"))
    buyer.get_by_role("checkbox", name="In stock only").check()
    expect(_rows(buyer)).to_have_count(1)
    expect(_rows(buyer).first).to_contain_text("ThinkPad E14 Notebook")
    store.shot(buyer, "filtered listing")
    buyer.go_back()
    expect(_rows(buyer)).to_have_count(2)
    buyer.go_back()
    expect(buyer).to_have_url(listing_url)
    expect(_rows(buyer)).to_have_count(4)

    buyer.get_by_label("Sort by").select_option(label="Price: high to low")
    expect(_rows(buyer).first).to_contain_text("Latitude 5440 Notebook")

    # An exact SKU in the search box goes straight to its product, at this account's price.
    buyer.get_by_role("searchbox", name="Search by name, SKU or part number").fill("NB-LEN-0001")
    buyer.get_by_role("button", name="Search", exact=True).click()
    expect(buyer.get_by_role("heading", name="ThinkPad E14 Notebook")).to_be_visible()
    expect(buyer.get_by_text("14,100.00")).to_be_visible()
    store.shot(buyer, "product page at acme price")

    # The other account's contact sees its own price for the same product.
    other = store.start()
    store.sign_in(other, "olga", password)
    other.get_by_role("searchbox", name="Search by name, SKU or part number").fill("21K0001")
    other.get_by_role("button", name="Search", exact=True).click()
    expect(other.get_by_role("heading", name="ThinkPad E14 Notebook")).to_be_visible()
    expect(other.get_by_text("3,300,000.00")).to_be_visible()
    expect(other.get_by_text("14,100.00")).to_have_count(0)

    # Words search ranks results.
    other.get_by_role("searchbox", name="Search by name, SKU or part number").fill("latitude")
    other.get_by_role("button", name="Search", exact=True).click()
    expect(_rows(other)).to_have_count(1)
    expect(_rows(other).first).to_contain_text("Latitude 5440 Notebook")
    store.shot(other, "word search results")
