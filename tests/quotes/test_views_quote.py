"""The quotes' pages: Add to quote, Move to quote, the quote page and its htmx totals, Activate Quote,
the list, Move to cart, save and download."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from orders import services as orders_services
from orders.models import CartLine
from quotes.models import Quote, QuoteEvent
from tests.quotes.factories import make_customer, make_quote

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _page_post(quote, **extra) -> dict:
    data = {"profit_kind": quote.profit_kind, "profit_value": str(quote.profit_value), "customer": "", "notes": "", "valid_until": ""}
    for line in quote.lines.all():
        data[f"quantity-{line.pk}"] = str(line.quantity)
        data[f"profit_kind-{line.pk}"] = ""
        data[f"profit_value-{line.pk}"] = ""
    data.update(extra)
    return data


# --- permissions ------------------------------------------------------------------------------------


def test_another_accounts_quote_is_not_found(contact_client, other_contact, stocked):
    theirs = make_quote(other_contact, lines=[(stocked["thinkpad"], "1.00", 1)])
    for name in ("quotes:quote-detail", "quotes:quote-activate", "quotes:quote-created"):
        assert contact_client.get(reverse(name, args=[theirs.number])).status_code == 404
    for name in ("quotes:quote-save", "quotes:quote-to-cart", "quotes:quote-pdf", "quotes:quote-preview"):
        assert contact_client.post(reverse(name, args=[theirs.number])).status_code == 404
    assert contact_client.get(reverse("quotes:quote-pdf-status", args=[theirs.pdf_token])).status_code == 404


def test_a_contact_without_the_quotes_permission_is_forbidden(contact, contact_client, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "1.00", 1)])
    contact.can_quote = False
    contact.save()
    assert contact_client.get(reverse("quotes:quote-list")).status_code == 403
    assert contact_client.get(reverse("quotes:quote-detail", args=[quote.number])).status_code == 403
    assert contact_client.post(reverse("quotes:quote-add"), {"product": stocked["thinkpad"].pk, "quantity": "1"}).status_code == 403
    page = contact_client.get(reverse("catalog:product-detail", args=["NB-LEN-0001"])).content.decode()
    assert "Add to quote" not in page and reverse("quotes:quote-list") not in page


def test_a_visitor_is_sent_to_sign_in(client, stocked):
    response = client.get(reverse("quotes:quote-list"))
    assert response.status_code == 302 and "/auth/" in response["Location"]


# --- Add to quote -----------------------------------------------------------------------------------


def test_the_product_page_offers_add_to_quote_and_the_menu_quotes(contact_client, stocked):
    page = contact_client.get(reverse("catalog:product-detail", args=["NB-LEN-0001"])).content.decode()
    assert "Add to quote" in page and f'hx-post="{reverse("quotes:quote-add")}"' in page
    assert f'href="{reverse("quotes:quote-list")}">Quotes</a>' in page


def test_add_to_quote_through_htmx_answers_the_dialog(contact_client, contact, stocked):
    response = contact_client.post(reverse("quotes:quote-add"), {"product": stocked["thinkpad"].pk, "quantity": "2"}, headers=HTMX)
    page = response.content.decode()
    quote = Quote.objects.get(current_for=contact)
    assert response.status_code == 200 and "<html" not in page
    assert "Added to your quote" in page and "2 × ThinkPad E14 Notebook" in page and quote.number in page
    assert "Go to the quote" in page and f'href="{reverse("quotes:quote-current")}"' in page
    assert "HX-Request" in response["Vary"]


def test_add_to_quote_without_htmx_redirects_back_with_a_message(contact_client, contact, stocked):
    response = contact_client.post(reverse("quotes:quote-add"), {"product": stocked["thinkpad"].pk, "quantity": "1", "next": "/catalog/"})
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    assert _messages(response) == [f"ThinkPad E14 Notebook was added to quote {Quote.objects.get().number}."]


def test_add_to_quote_with_a_bad_amount_says_so_in_the_dialog(contact_client, stocked):
    response = contact_client.post(reverse("quotes:quote-add"), {"product": stocked["thinkpad"].pk, "quantity": "0"}, headers=HTMX)
    assert "Not added to your quote" in response.content.decode() and not Quote.objects.exists()


def test_add_to_quote_of_a_withdrawn_product_says_so_in_the_dialog(contact_client, stocked):
    stocked["monitor"].is_active = False
    stocked["monitor"].save(update_fields=["is_active"])
    response = contact_client.post(reverse("quotes:quote-add"), {"product": stocked["monitor"].pk, "quantity": "1"}, headers=HTMX)
    assert "This product is no longer sold." in response.content.decode() and not Quote.objects.exists()


def test_go_to_the_quote_opens_the_current_quote(contact_client, contact, stocked):
    assert contact_client.get(reverse("quotes:quote-current")).url == reverse("quotes:quote-list")
    quote = make_quote(contact, current=True)
    assert contact_client.get(reverse("quotes:quote-current")).url == reverse("quotes:quote-detail", args=[quote.number])


# --- Move to quote ----------------------------------------------------------------------------------


def test_the_cart_offers_move_to_quote_as_a_dialog(contact_client, contact, stocked):
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=1)
    page = contact_client.get(reverse("orders:cart")).content.decode()
    assert "Move to quote" in page and f'hx-get="{reverse("quotes:quote-from-cart")}"' in page
    dialog = contact_client.get(reverse("quotes:quote-from-cart"), headers=HTMX).content.decode()
    assert "<html" not in dialog and "will become a quotation" in dialog and "shopping cart will be emptied" in dialog and "Accept" in dialog
    assert "<html" in contact_client.get(reverse("quotes:quote-from-cart")).content.decode()


def test_accept_turns_the_cart_into_a_quote_and_shows_its_number(contact_client, contact, stocked):
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=3)
    response = contact_client.post(reverse("quotes:quote-from-cart"))
    quote = Quote.objects.get()
    assert response.url == reverse("quotes:quote-created", args=[quote.number])
    page = contact_client.get(response.url).content.decode()
    assert f'<a href="{reverse("quotes:quote-detail", args=[quote.number])}">{quote.number}</a>' in page
    assert not CartLine.objects.filter(cart__contact=contact).exists()


def test_accept_with_an_empty_cart_says_so(contact_client, stocked):
    response = contact_client.post(reverse("quotes:quote-from-cart"))
    assert response.status_code == 200 and "Your cart is empty." in response.content.decode()


# --- the quote page and its totals ------------------------------------------------------------------


def test_the_quote_page_shows_lines_cost_selling_prices_and_total(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)], profit_kind="percent", profit_value=Decimal("10"))
    page = contact_client.get(reverse("quotes:quote-detail", args=[quote.number])).content.decode()
    assert "14,100.00" in page and "15,510.00" in page and "31,020.00 MXN" in page
    assert "Activate Quote" in page and "save and download" in page and "Move to cart" in page


def test_the_totals_update_through_htmx_without_saving(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    line = quote.lines.get()
    data = _page_post(quote, profit_value="10", **{f"quantity-{line.pk}": "3"})
    response = contact_client.post(reverse("quotes:quote-preview", args=[quote.number]), data, headers=HTMX)
    page = response.content.decode()
    assert "46,530.00 MXN" in page  # 3 × 15,510.00
    assert f'<span id="unit-{line.pk}" hx-swap-oob="true">15,510.00</span>' in page
    line.refresh_from_db()
    assert line.quantity == 2


def test_the_totals_name_the_line_of_a_refused_profit(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    line = quote.lines.get()
    data = _page_post(quote, **{f"profit_kind-{line.pk}": "percent", f"profit_value-{line.pk}": "-5"})
    page = contact_client.post(reverse("quotes:quote-preview", args=[quote.number]), data, headers=HTMX).content.decode()
    assert "NB-LEN-0001: The profit cannot be negative" in page


def test_save_stores_the_page_and_redirects(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    customer = make_customer(contact.account)
    data = _page_post(quote, profit_kind="amount", profit_value="900", customer=str(customer.pk), notes="Hello", action="save")
    response = contact_client.post(reverse("quotes:quote-save", args=[quote.number]), data)
    assert response.url == reverse("quotes:quote-detail", args=[quote.number])
    quote.refresh_from_db()
    assert (quote.profit_kind, quote.profit_value, quote.customer, quote.notes) == ("amount", Decimal("900.00"), customer, "Hello")


def test_save_of_an_absurd_profit_shows_the_message_and_keeps_the_quote(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    data = _page_post(quote, profit_value="1500", action="save")
    response = contact_client.post(reverse("quotes:quote-save", args=[quote.number]), data)
    assert response.status_code == 200 and "The profit cannot be over 1000 %" in response.content.decode()
    quote.refresh_from_db()
    assert quote.profit_value == Decimal("0.00")


def test_save_and_download_with_a_bad_value_says_which_in_the_dialog(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    data = _page_post(quote, profit_value="abc", action="download")
    dialog = contact_client.post(reverse("quotes:quote-save", args=[quote.number]), data, headers=HTMX).content.decode()
    assert "Not saved" in dialog and "Profit value: Enter a number." in dialog


def test_save_and_download_confirms_the_number_then_makes_the_pdf(contact_client, contact, stocked, django_capture_on_commit_callbacks):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    data = _page_post(quote, profit_value="10", action="download")
    dialog = contact_client.post(reverse("quotes:quote-save", args=[quote.number]), data, headers=HTMX).content.decode()
    assert f"Your quote was stored with number {quote.number}." in dialog and "save and download" in dialog

    with django_capture_on_commit_callbacks(execute=True):
        progress = contact_client.post(reverse("quotes:quote-pdf", args=[quote.number]), headers=HTMX).content.decode()
    quote.refresh_from_db()
    assert quote.pdf_state == "ready"  # tasks run eagerly in tests, after the commit
    assert f'hx-get="{reverse("quotes:quote-pdf-status", args=[quote.pdf_token])}"' in progress
    ready = contact_client.get(reverse("quotes:quote-pdf-status", args=[quote.pdf_token]), headers=HTMX).content.decode()
    assert reverse("quotes:quote-pdf-download", args=[quote.pdf_token]) in ready and "every 1s" not in ready

    response = contact_client.get(reverse("quotes:quote-pdf-download", args=[quote.pdf_token]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{quote.number}.pdf"'
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_the_quote_page_shows_its_history_with_the_pdfs_state_before_and_after(contact_client, contact, stocked, django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("quotes.tasks.quote_pdf_build_task.delay", lambda quote_id: None)
    orders_services.cart_add(contact=contact, product=stocked["thinkpad"], quantity=2)
    contact_client.post(reverse("quotes:quote-from-cart"))
    quote = Quote.objects.get(created_by=contact)
    with django_capture_on_commit_callbacks(execute=True):
        contact_client.post(reverse("quotes:quote-pdf", args=[quote.number]))
    page = contact_client.get(reverse("quotes:quote-detail", args=[quote.number])).content.decode()
    history = [re.sub(r"^\S+ \S+ · ", "", item) for item in re.findall(r"<li data-event>(.*?)</li>", page)]
    assert history == [
        "Carlos Bermudez · Created · PDF: Not made",
        "Carlos Bermudez · Moved from the cart · PDF: Not made · 1 line",
        "Carlos Bermudez · PDF requested · PDF: Not made → Queued",
    ]
    spanish = contact_client.get(reverse("quotes:quote-detail", args=[quote.number]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Solicitud de PDF · PDF: No generado → En cola" in spanish and "1 línea" in spanish


def test_the_pdf_status_polls_while_it_is_made(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    Quote.objects.filter(pk=quote.pk).update(pdf_state="running")
    partial = contact_client.get(reverse("quotes:quote-pdf-status", args=[quote.pdf_token]), headers=HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    assert contact_client.get(reverse("quotes:quote-pdf-download", args=[quote.pdf_token])).status_code == 302


def test_add_customer_and_add_item_by_sku(contact_client, contact, stocked):
    quote = make_quote(contact)
    contact_client.post(
        reverse("quotes:customer-save", args=[quote.number]),
        {"new-company": "Globex Retail", "new-contact_name": "Gina", "new-tax_id": "G1", "new-address": "Main 1", "new-email": "g@globex.test", "new-phone": "1"},
    )
    contact_client.post(reverse("quotes:quote-add-item", args=[quote.number]), {"code": "MN-DEL-0004", "quantity": "2"})
    quote.refresh_from_db()
    assert quote.customer.company == "Globex Retail"
    assert list(quote.lines.values_list("sku", "quantity")) == [("MN-DEL-0004", 2)]


def test_search_on_the_quote_page_lists_products_to_add(contact_client, contact, stocked):
    quote = make_quote(contact)
    page = contact_client.get(reverse("quotes:quote-detail", args=[quote.number]), {"q": "thinkpad"}).content.decode()
    assert "Add NB-LEN-0001" in page


# --- Activate Quote ---------------------------------------------------------------------------------


def test_activate_quote_asks_then_accept_makes_it_current(contact_client, contact, stocked):
    current = make_quote(contact, current=True)
    other = make_quote(contact)
    dialog = contact_client.get(reverse("quotes:quote-activate", args=[other.number]), headers=HTMX).content.decode()
    assert "The contents of your current quote will be replaced. Do you really want to activate this quote?" in dialog
    response = contact_client.post(reverse("quotes:quote-activate", args=[other.number]))
    assert response.url == reverse("quotes:quote-detail", args=[other.number])
    assert Quote.objects.get(current_for=contact) == other
    current.refresh_from_db()
    assert current.current_for is None


# --- the list and Move to cart ----------------------------------------------------------------------


def test_the_list_shows_number_customer_date_total_and_who_made_it(contact_client, contact, admin_contact, other_contact, stocked):
    customer = make_customer(contact.account)
    mine = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)], customer=customer, profit_value=Decimal("10"))
    colleagues = make_quote(admin_contact, lines=[(stocked["monitor"], "3500.00", 1)])
    theirs = make_quote(other_contact)
    page = contact_client.get(reverse("quotes:quote-list")).content.decode()
    assert mine.number in page and colleagues.number in page and theirs.number not in page
    assert "Globex Retail" in page and "31,020.00 MXN" in page and "Ana Alvarez" in page and "Carlos Bermudez" in page


def test_move_to_cart_puts_the_lines_in_the_cart(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2), (stocked["monitor"], "3500.00", 1)])
    response = contact_client.post(reverse("quotes:quote-to-cart", args=[quote.number]))
    assert response.url == reverse("orders:cart")
    assert _messages(response) == [f"2 products of quote {quote.number} were added to your cart."]
    assert dict(CartLine.objects.filter(cart__contact=contact).values_list("product__sku", "quantity")) == {"NB-LEN-0001": 2, "MN-DEL-0004": 1}


def test_move_to_cart_without_the_order_permission_is_403_and_fills_no_cart(contact_client, contact, stocked):
    quote = make_quote(contact, lines=[(stocked["thinkpad"], "14100.00", 2)])
    contact.can_order = False
    contact.save(update_fields=["can_order"])
    assert contact_client.post(reverse("quotes:quote-to-cart", args=[quote.number])).status_code == 403
    assert not CartLine.objects.filter(cart__contact=contact).exists()


# --- query counts -----------------------------------------------------------------------------------


def _quote_of(contact, products, size: int) -> Quote:
    from tests.catalog.factories import ProductFactory

    extra = [ProductFactory() for _ in range(size)]
    return make_quote(contact, lines=[(product, "100.00", 1) for product in extra])


@pytest.mark.parametrize("size", [5, 50])
def test_the_quote_page_runs_a_fixed_number_of_queries(contact, stocked, django_assert_num_queries, size):
    quote = _quote_of(contact, stocked, size)
    QuoteEvent.objects.bulk_create(
        QuoteEvent(quote=quote, actor=contact.user, action=QuoteEvent.Action.SAVED, from_state="none", to_state="none") for _ in range(size)
    )
    client = Client()
    client.force_login(contact.user)
    # user; quote, its lines; the account's customers; its history with who made each event
    with django_assert_num_queries(5):
        response = client.get(reverse("quotes:quote-detail", args=[quote.number]))
    page = response.content.decode()
    assert len(re.findall(r'<tr data-sku=', page)) == size
    assert len(re.findall(r"<li data-event>", page)) == size


@pytest.mark.parametrize("size", [5, 30])
def test_the_quotes_list_runs_a_fixed_number_of_queries(contact, stocked, django_assert_num_queries, size):
    for _ in range(size):
        make_quote(contact, lines=[(stocked["thinkpad"], "100.00", 1), (stocked["monitor"], "10.00", 2)])
    client = Client()
    client.force_login(contact.user)
    # user; count, quotes, their lines
    with django_assert_num_queries(4):
        response = client.get(reverse("quotes:quote-list"))
    assert len(re.findall(r'<tr data-number=', response.content.decode())) == min(size, 25)
