"""The reseller's licensing order through the client: the "Volume Licensing" order page, an order's page,
the answers to a counter-offer, and cancellation (with its confirmation and the replacement rule)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Account
from catalog.models import Product
from licensing import services
from licensing.models import LicenceKey, LicenceOrder, LicenceProduct, Program, ProgramOffer
from storefront.models import OutboundEmail
from tests.catalog.factories import PriceFactory, ProductFactory
from tests.licensing.conftest import place_vl

pytestmark = pytest.mark.django_db

KEY = "f" * 32


# --- helpers shared by the licensing view tests ----------------------------------------------------


def extra_products(price_lists, count: int, program: str = Program.OPEN_VALUE) -> list[Product]:
    """More products of a program, priced in the base list (for the pages' query counts)."""
    products = []
    for n in range(count):
        product = ProductFactory(sku=f"VL-XT-{program[:4]}-{n:04d}", name=f"Extra licence {n:04d}", product_type=Product.Type.LICENCE)
        LicenceProduct.objects.create(product=product, program=program, delivers_key=True)
        PriceFactory(price_list=price_lists["base"], product=product, amount=Decimal("100.00"))
        products.append(product)
    return products


def advance(order: LicenceOrder, back_office, to: str, *, keys_per_line: int = 1) -> LicenceOrder:
    """Move an order on as the back office would: (approved,) sent, processed, received."""
    order.refresh_from_db()
    if order.state == "on_hold":
        order = services.vl_order_approve(actor=back_office, order=order)
    for step in ("sent", "processed", "received"):
        if step == "processed":
            LicenceOrder.objects.filter(pk=order.pk).update(authorization_number=f"AUTH-{order.pk:05d}")
            order.refresh_from_db()
        if step == "received":
            for line in order.lines.all():
                for n in range(keys_per_line):
                    LicenceKey.objects.create(line=line, key=f"KEY-{line.pk}-{n}")
        order = services.vl_order_move(actor=back_office, order=order, to_state=step)
        if step == to:
            break
    return order


def credit_used(account) -> Decimal:
    return Account.objects.get(pk=account.pk).credit_used


def _form(catalog, **extra) -> dict:
    data = {
        "program": Program.OPEN_VALUE,
        "submission_key": KEY,
        "end_customer": "Colegio Azteca",
        "end_customer_tax_id": "CAZ010101AAA",
        "observations": "Deliver the keys to IT.",
        f"amount-{catalog['office'].pk}": "10",
        f"price-{catalog['office'].pk}": "",
        f"amount-{catalog['server'].pk}": "",
        f"price-{catalog['server'].pk}": "",
    }
    data.update(extra)
    return data


# --- the order page ----------------------------------------------------------------------------------


def test_the_order_page_lists_the_programs_offered_and_the_chosen_programs_products_at_the_accounts_prices(
    contact_client, licensing_contact, vl_catalog
):
    page = contact_client.get(reverse("licensing:order-new") + "?program=open_value").content.decode()
    for label in ("Open Business", "Open Value", "Open Value Subscription", "School"):
        assert label in page
    assert "VL-MS-0001" in page and "Office LTSC Standard 2024 Open Value" in page and "9,000.00" in page
    assert "VL-MS-0004" not in page  # another program's product
    assert "Available credit: 500,000.00 MXN." in page
    assert "held until your sales executive approves it" in page
    assert "Finish order" in page and 'name="submission_key"' in page and 'value="open_value"' in page


def test_the_order_page_opens_on_the_first_program_offered(contact_client, licensing_contact, vl_catalog):
    page = contact_client.get(reverse("licensing:order-new")).content.decode()
    assert 'aria-current="page">Open Business</strong>' in page and "VL-MS-0006" in page


def test_a_program_the_country_does_not_offer_is_a_message_and_the_page_shows_one_that_is(contact_client, licensing_contact, vl_catalog):
    ProgramOffer.objects.filter(country="MX", program=Program.SCHOOL).delete()
    response = contact_client.get(reverse("licensing:order-new") + "?program=school")
    page = response.content.decode()
    assert response.status_code == 200
    assert "This program is not offered in your country." in page and "VL-MS-0005" not in page


def test_a_country_without_volume_licensing_says_so_and_shows_no_form(contact_client, licensing_contact, account, vl_catalog):
    Account.objects.filter(pk=account.pk).update(country="PE")
    page = contact_client.get(reverse("licensing:order-new")).content.decode()
    assert "Volume licensing is not offered in" in page and "Finish order" not in page


def test_finish_order_at_list_prices_places_it_and_goes_to_its_page(contact_client, licensing_contact, account, vl_catalog):
    response = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    order = LicenceOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("licensing:order-detail", args=[order.number])
    assert (order.state, order.total, order.end_customer, order.end_customer_tax_id) == ("placed", Decimal("90000.00"), "Colegio Azteca", "CAZ010101AAA")
    assert credit_used(account) == Decimal("90000.00")
    page = contact_client.get(response["Location"]).content.decode()
    assert f"Order {order.number} was placed." in page


def test_a_special_price_holds_the_order_and_the_page_says_why(contact_client, licensing_contact, vl_catalog):
    form = _form(vl_catalog, **{f"price-{vl_catalog['office'].pk}": "8000.00", f"amount-{vl_catalog['server'].pk}": "2"})
    response = contact_client.post(reverse("licensing:order-new"), form)
    order = LicenceOrder.objects.get()
    assert order.state == "on_hold" and order.total == Decimal("116000.00")
    page = contact_client.get(response["Location"]).content.decode()
    assert f"Order {order.number} is on hold, awaiting your sales executive&#x27;s approval." in page
    assert "Special price requested on 1 line" in page and "On hold, awaiting approval" in page


def test_finish_order_twice_with_the_same_form_makes_one_order(contact_client, licensing_contact, account, vl_catalog):
    first = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    second = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    order = LicenceOrder.objects.get()
    assert first["Location"] == second["Location"] == reverse("licensing:order-detail", args=[order.number])
    assert credit_used(account) == Decimal("90000.00")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"amount-office": "ten"}, "The amount must be a whole number from 1 to 9999."),
        ({"amount-office": "-3"}, "The amount must be a whole number from 1 to 9999."),
        ({"amount-office": "1.5"}, "The amount must be a whole number from 1 to 9999."),
        ({"amount-office": "10000"}, "The amount must be a whole number from 1 to 9999."),
        ({"price-office": "80OO.00"}, "Type the special price with digits and a decimal point, like 8000.00."),
        ({"price-office": "8000.001"}, "A special price has at most two decimals."),
        ({"price-office": "0.00"}, "A special price is an amount above zero."),
        ({"price-office": "9000.01"}, "The special price is above the list price; leave it empty to pay the list price."),
        ({"amount-office": "", "price-office": "8000.00"}, "Enter the amount you order at this special price."),
        ({"amount-office": ""}, "Enter an amount for at least one product."),
        ({"amount-office": "0"}, "Enter an amount for at least one product."),
        ({"end_customer": "   "}, "Enter the end customer the licences are for."),
        ({"observations": "x" * 1001}, "Ensure this value has at most 1000 characters (it has 1001)."),
    ],
)
def test_bad_input_is_told_on_the_same_page_keeps_what_was_typed_and_saves_nothing(
    contact_client, licensing_contact, account, vl_catalog, typed, message
):
    office = vl_catalog["office"].pk
    form = _form(vl_catalog)
    form.update({key.replace("-office", f"-{office}"): value for key, value in typed.items()})
    response = contact_client.post(reverse("licensing:order-new"), form)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    for key, value in typed.items():
        if value.strip() and len(value) < 50:
            assert f'value="{value}"' in page  # what was typed is kept
    assert f'value="{KEY}"' in page
    assert "end_customer" in typed or 'value="Colegio Azteca"' in page
    assert not LicenceOrder.objects.exists() and not OutboundEmail.objects.exists()
    assert credit_used(account) == Decimal("0.00")


def test_every_bad_line_is_told_at_once_next_to_its_line(contact_client, licensing_contact, vl_catalog):
    office, server = vl_catalog["office"].pk, vl_catalog["server"].pk
    response = contact_client.post(
        reverse("licensing:order-new"), _form(vl_catalog, **{f"amount-{office}": "x", f"amount-{server}": "2", f"price-{server}": "1.234"})
    )
    page = response.content.decode()
    office_row = page[page.index('data-sku="VL-MS-0001"') : page.index('data-sku="VL-MS-0002"')]
    server_row = page[page.index('data-sku="VL-MS-0002"') : page.index("</tr>", page.index('data-sku="VL-MS-0002"'))]
    assert "The amount must be a whole number" in office_row and "at most two decimals" not in office_row
    assert "A special price has at most two decimals." in server_row
    assert not LicenceOrder.objects.exists()


def test_a_program_not_offered_is_refused_with_a_message_and_nothing_saved(contact_client, licensing_contact, account, vl_catalog):
    ProgramOffer.objects.filter(country="MX", program=Program.OPEN_VALUE).delete()
    response = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    assert response.status_code == 200
    assert "This program is not offered in your country." in response.content.decode()
    assert not LicenceOrder.objects.exists() and credit_used(account) == Decimal("0.00")


def test_an_order_above_the_available_credit_is_refused_with_the_figures_and_what_was_typed_kept(
    contact_client, licensing_contact, account, vl_catalog
):
    Account.objects.filter(pk=account.pk).update(credit_limit=Decimal("50000.00"))
    response = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The order (90,000.00 MXN) exceeds your available credit (50,000.00 MXN) by 40,000.00 MXN." in page
    assert 'value="10"' in page and 'value="Colegio Azteca"' in page
    assert not LicenceOrder.objects.exists() and credit_used(account) == Decimal("0.00")


def test_an_amount_for_a_product_of_another_program_is_ignored(contact_client, licensing_contact, vl_catalog):
    cal = vl_catalog["cal"].pk  # Open Business: not a product of Open Value
    response = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog, **{f"amount-{cal}": "3"}))
    assert response.status_code == 302
    assert list(LicenceOrder.objects.get().lines.values_list("sku", flat=True)) == ["VL-MS-0001"]  # the stray field is ignored


def test_a_used_form_of_another_contact_places_nothing(contact_client, licensing_contact, admin_contact, account, vl_catalog):
    place_vl(admin_contact, items=[(vl_catalog["server"], 1, None)], key=KEY)
    response = contact_client.post(reverse("licensing:order-new"), _form(vl_catalog))
    assert response.status_code == 200
    assert "This order form was already used. Start a new order." in response.content.decode()
    assert LicenceOrder.objects.count() == 1 and credit_used(account) == Decimal("18000.00")


def test_the_order_page_needs_the_licensing_permission(contact_client, licensing_contact, vl_catalog):
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.get(reverse("licensing:order-new")).status_code == 403
    assert contact_client.post(reverse("licensing:order-new"), _form(vl_catalog)).status_code == 403
    assert not LicenceOrder.objects.exists()


def test_a_visitor_is_sent_to_sign_in(client, vl_catalog):
    response = client.get(reverse("licensing:order-new"))
    assert response.status_code == 302 and "login" in response.url


def test_the_order_page_answers_only_get_and_post(contact_client, licensing_contact, vl_catalog):
    assert contact_client.put(reverse("licensing:order-new")).status_code == 405


@pytest.mark.parametrize("extra", [0, 20])
def test_the_order_page_costs_the_same_queries_for_few_or_many_products(
    contact_client, licensing_contact, vl_catalog, price_lists, django_assert_num_queries, extra
):
    extra_products(price_lists, extra)
    # user (with contact and account), programs offered, the program's products, their prices
    with django_assert_num_queries(4):
        page = contact_client.get(reverse("licensing:order-new") + "?program=open_value").content.decode()
    assert page.count('data-sku="') == 3 + extra


# --- an order's page ---------------------------------------------------------------------------------


def test_an_orders_page_shows_the_lines_prices_totals_and_history(contact_client, held_order):
    page = contact_client.get(reverse("licensing:order-detail", args=[held_order.number])).content.decode()
    assert held_order.number in page and "On hold, awaiting approval" in page
    assert "Special price requested on 1 line: awaiting your sales executive&#x27;s approval." in page
    assert "9,000.00" in page and "8,000.00" in page and "116,000.00 MXN" in page and "116,000.00 MXN" in page
    assert "Colegio Azteca" in page and "Carlos Bermudez" in page and "special price requested" in page
    assert "Cancel order" in page and reverse("licensing:order-cancel", args=[held_order.number]) in page
    assert "Accept counter-offer" not in page


def test_a_rejected_order_shows_the_reason_given(contact_client, held_order, sales_executive):
    services.vl_order_reject(actor=sales_executive, order=held_order, reason="Price below the distributor's floor.")
    page = contact_client.get(reverse("licensing:order-detail", args=[held_order.number])).content.decode()
    assert "Rejected by your sales executive: Price below the distributor&#x27;s floor." in page
    assert "On hold, awaiting approval → Rejected" in page
    assert "Cancel order</a>" not in page


def test_a_sent_order_tells_to_ask_the_sales_executive_by_name_and_email(contact_client, held_order, back_office, sales_executive):
    advance(held_order, back_office, "sent")
    page = contact_client.get(reverse("licensing:order-detail", args=[held_order.number])).content.decode()
    assert sales_executive.get_full_name() in page and "sales@distributor.test" in page and "ask your sales executive" in page
    assert reverse("licensing:order-cancel", args=[held_order.number]) not in page


def test_a_received_order_shows_its_keys_authorization_number_and_when_the_ecertificate_comes(contact_client, held_order, back_office):
    order = advance(held_order, back_office, "received")
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    line = order.lines.first()
    assert f"KEY-{line.pk}-0" in page and f"AUTH-{order.pk:05d}" in page
    assert f"available from {timezone.localtime(order.certificate_due_at):%Y-%m-%d %H:%M}" in page
    assert "Download eCertificate" not in page


def test_a_processed_order_within_60_days_offers_the_replacement_cancel_or_explains_how(contact_client, licensing_contact, held_order, back_office, vl_catalog):
    order = advance(held_order, back_office, "processed")
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert "Processed orders can be cancelled until" in page and "116,000.00 MXN or more" in page
    assert "you must first place a replacement order of equal or greater value" in page and reverse("licensing:order-new") in page
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 20, None)], key="r" * 32)
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert "Cancel with a replacement order" in page and f'value="{replacement.number}"' in page


def test_a_processed_order_of_windows_legal_says_it_cannot_be_cancelled(contact_client, licensing_contact, back_office, vl_catalog):
    order = advance(place_vl(licensing_contact, items=[(vl_catalog["legal"], 1, None)]), back_office, "processed")
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert "Windows Legal licences are never returned nor cancelled." in page and "Cancel with a replacement order" not in page


def test_another_accounts_order_is_not_found(other_admin_client, held_order):
    assert other_admin_client.get(reverse("licensing:order-detail", args=[held_order.number])).status_code == 404


def test_an_orders_page_needs_the_licensing_permission(contact_client, licensing_contact, held_order):
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.get(reverse("licensing:order-detail", args=[held_order.number])).status_code == 403


@pytest.mark.parametrize("lines", [1, 20])
def test_an_orders_page_costs_the_same_queries_for_few_or_many_lines_and_keys(
    contact_client, licensing_contact, vl_catalog, price_lists, back_office, django_assert_num_queries, lines
):
    products = extra_products(price_lists, lines)
    order = place_vl(licensing_contact, items=[(product, lines, None) for product in products])
    order = advance(order, back_office, "received", keys_per_line=lines)
    # user, the order (with account, executive, invoice), its lines, their keys, its history,
    # whether it replaces another order, and the orders that could replace it
    with django_assert_num_queries(7):
        page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert page.count("<code>KEY-") == lines * lines


# --- the counter-offer ---------------------------------------------------------------------------------


@pytest.fixture
def countered(held_order, sales_executive) -> LicenceOrder:
    """The held order, countered at 8,500.00 for Office and 17,500.00 for the server."""
    prices = {line.pk: line.list_price - 500 for line in held_order.lines.all()}
    return services.vl_order_counter_offer(actor=sales_executive, order=held_order, prices=prices, note="Best we can do.")


def test_a_counter_offer_is_shown_with_its_prices_and_both_answers(contact_client, countered):
    page = contact_client.get(reverse("licensing:order-detail", args=[countered.number])).content.decode()
    assert "Counter-offer, awaiting your answer" in page and "8,500.00" in page and "17,500.00" in page
    assert "Accept counter-offer" in page and "Decline counter-offer" in page and "Best we can do." in page


def test_accepting_the_counter_offer_approves_the_order_at_its_prices(contact_client, countered, account):
    response = contact_client.post(reverse("licensing:counter-offer", args=[countered.number]), {"action": "accept"})
    assert response.status_code == 302 and response["Location"] == reverse("licensing:order-detail", args=[countered.number])
    countered.refresh_from_db()
    assert countered.state == "approved" and countered.total == Decimal("120000.00")
    assert credit_used(account) == Decimal("120000.00")
    assert "You accepted the counter-offer" in contact_client.get(response["Location"]).content.decode()


def test_declining_the_counter_offer_cancels_the_order_and_returns_the_credit(contact_client, countered, account):
    contact_client.post(reverse("licensing:counter-offer", args=[countered.number]), {"action": "decline", "reason": "Too expensive."})
    countered.refresh_from_db()
    assert countered.state == "cancelled" and countered.decision_reason == "Too expensive."
    assert credit_used(account) == Decimal("0.00")


def test_answering_a_counter_offer_twice_tells_there_is_none_to_answer(contact_client, countered, account):
    url = reverse("licensing:counter-offer", args=[countered.number])
    contact_client.post(url, {"action": "accept"})
    response = contact_client.post(url, {"action": "decline"}, follow=True)
    assert "There is no counter-offer to answer on this order." in response.content.decode()
    countered.refresh_from_db()
    assert countered.state == "approved" and credit_used(account) == Decimal("120000.00")


def test_answering_an_order_without_a_counter_offer_is_refused(contact_client, held_order, account):
    response = contact_client.post(reverse("licensing:counter-offer", args=[held_order.number]), {"action": "accept"}, follow=True)
    assert "There is no counter-offer to answer on this order." in response.content.decode()
    held_order.refresh_from_db()
    assert held_order.state == "on_hold" and credit_used(account) == Decimal("116000.00")


def test_an_unknown_answer_changes_nothing(contact_client, countered):
    response = contact_client.post(reverse("licensing:counter-offer", args=[countered.number]), {"action": "haggle"}, follow=True)
    assert "Choose to accept or to decline the counter-offer" in response.content.decode()
    countered.refresh_from_db()
    assert countered.state == "counter_offer"


def test_another_account_cannot_answer_the_counter_offer(other_admin_client, countered):
    assert other_admin_client.post(reverse("licensing:counter-offer", args=[countered.number]), {"action": "decline"}).status_code == 404
    countered.refresh_from_db()
    assert countered.state == "counter_offer"


def test_answering_needs_the_licensing_permission_and_a_post(contact_client, licensing_contact, countered):
    url = reverse("licensing:counter-offer", args=[countered.number])
    assert contact_client.get(url).status_code == 405
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.post(url, {"action": "accept"}).status_code == 403
    countered.refresh_from_db()
    assert countered.state == "counter_offer"


# --- cancellation ----------------------------------------------------------------------------------------


def test_cancel_order_asks_for_confirmation_first(contact_client, held_order):
    response = contact_client.get(reverse("licensing:order-cancel", args=[held_order.number]))
    page = response.content.decode()
    assert response.status_code == 200 and f"Cancel order {held_order.number}" in page and "116,000.00 MXN returned to your credit" in page
    assert "Keep the order" in page
    held_order.refresh_from_db()
    assert held_order.state == "on_hold"


def test_through_htmx_the_confirmation_comes_alone_as_a_dialog(contact_client, held_order):
    response = contact_client.get(reverse("licensing:order-cancel", args=[held_order.number]), headers={"HX-Request": "true"})
    page = response.content.decode()
    assert 'role="alertdialog"' in page and "<html" not in page and "HX-Request" in response["Vary"]


def test_confirming_cancels_the_order_and_returns_its_credit(contact_client, held_order, account):
    response = contact_client.post(reverse("licensing:order-cancel", args=[held_order.number]), {"reason": "Customer changed plans."})
    assert response.status_code == 302 and response["Location"] == reverse("licensing:order-detail", args=[held_order.number])
    held_order.refresh_from_db()
    assert held_order.state == "cancelled" and held_order.decision_reason == "Customer changed plans."
    assert credit_used(account) == Decimal("0.00")
    assert f"Order {held_order.number} is cancelled" in contact_client.get(response["Location"]).content.decode()


def test_cancelling_twice_says_the_order_is_already_cancelled(contact_client, held_order, account):
    url = reverse("licensing:order-cancel", args=[held_order.number])
    contact_client.post(url, {})
    response = contact_client.post(url, {}, follow=True)
    assert f"Order {held_order.number} is already cancelled." in response.content.decode()
    assert credit_used(account) == Decimal("0.00")


def test_a_sent_order_cannot_be_cancelled_by_the_reseller(contact_client, held_order, back_office, account):
    advance(held_order, back_office, "sent")
    assert contact_client.get(reverse("licensing:order-cancel", args=[held_order.number])).status_code == 302
    response = contact_client.post(reverse("licensing:order-cancel", args=[held_order.number]), {}, follow=True)
    assert "The order is already with the manufacturer: ask your sales executive" in response.content.decode()
    held_order.refresh_from_db()
    assert held_order.state == "sent" and credit_used(account) == Decimal("116000.00")


def test_a_processed_order_is_cancelled_by_a_replacement_of_equal_or_greater_value(contact_client, licensing_contact, held_order, back_office, vl_catalog, account):
    order = advance(held_order, back_office, "processed")
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 20, None)], key="r" * 32)
    url = reverse("licensing:order-cancel", args=[order.number])
    page = contact_client.get(url + f"?replacement={replacement.number}").content.decode()
    assert "Cancel with a replacement order" in page and f'value="{replacement.number}" selected' in page
    response = contact_client.post(url, {"replacement": replacement.number})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "cancelled" and order.replaced_by == replacement
    assert credit_used(account) == Decimal("180000.00")


def test_a_processed_order_without_a_replacement_chosen_is_not_cancelled(contact_client, licensing_contact, held_order, back_office, vl_catalog):
    order = advance(held_order, back_office, "processed")
    place_vl(licensing_contact, items=[(vl_catalog["office"], 20, None)], key="r" * 32)
    response = contact_client.post(reverse("licensing:order-cancel", args=[order.number]), {"replacement": ""})
    assert response.status_code == 200 and "Choose the replacement order." in response.content.decode()
    order.refresh_from_db()
    assert order.state == "processed"


def test_a_replacement_worth_less_is_not_offered_nor_accepted(contact_client, licensing_contact, held_order, back_office, vl_catalog):
    order = advance(held_order, back_office, "processed")
    cheaper = place_vl(licensing_contact, items=[(vl_catalog["office"], 1, None)], key="r" * 32)
    response = contact_client.post(reverse("licensing:order-cancel", args=[order.number]), {"replacement": cheaper.number})
    assert response.status_code == 200 and "Choose one of the orders listed as the replacement." in response.content.decode()
    order.refresh_from_db()
    assert order.state == "processed"


def test_after_60_days_a_processed_order_cannot_be_cancelled(contact_client, licensing_contact, held_order, back_office, vl_catalog):
    order = advance(held_order, back_office, "processed")
    LicenceOrder.objects.filter(pk=order.pk).update(processed_at=timezone.now() - timedelta(days=61))
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 20, None)], key="r" * 32)
    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert "processed more than 60 days ago" in page and "Cancel with a replacement order" not in page
    response = contact_client.post(reverse("licensing:order-cancel", args=[order.number]), {"replacement": replacement.number}, follow=True)
    assert "The order was processed more than 60 days ago: it can no longer be cancelled." in response.content.decode()
    order.refresh_from_db()
    assert order.state == "processed"


def test_a_replacement_order_is_left_to_the_sales_executive_to_cancel(contact_client, licensing_contact, held_order, back_office, vl_catalog, sales_executive):
    order = advance(held_order, back_office, "processed")
    replacement = place_vl(licensing_contact, items=[(vl_catalog["office"], 20, None)], key="r" * 32)
    services.vl_order_cancel(actor=licensing_contact.user, order=order, replacement=replacement)
    page = contact_client.get(reverse("licensing:order-detail", args=[replacement.number])).content.decode()
    assert f"This order replaces the cancelled order {order.number}: only your sales executive can cancel it." in page
    assert "sales@distributor.test" in page and reverse("licensing:order-cancel", args=[replacement.number]) not in page
    assert contact_client.get(reverse("licensing:order-cancel", args=[replacement.number])).status_code == 302
    response = contact_client.post(reverse("licensing:order-cancel", args=[replacement.number]), {}, follow=True)
    assert "ask your sales executive to cancel it" in response.content.decode()
    replacement.refresh_from_db()
    assert replacement.state == "placed"


@pytest.mark.parametrize("size", [1, 20])
def test_a_held_orders_page_costs_the_same_queries_for_few_or_many_lines(
    contact_client, licensing_contact, vl_catalog, price_lists, django_assert_num_queries, size
):
    order = place_vl(licensing_contact, items=[(product, 1, "50.00") for product in extra_products(price_lists, size)])
    # user, the order, its lines, their keys, its history, whether it replaces another order
    with django_assert_num_queries(6):
        page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()
    assert page.count('data-sku="') == size and "Cancel order" in page


def test_another_accounts_order_cannot_be_cancelled(other_admin_client, held_order):
    url = reverse("licensing:order-cancel", args=[held_order.number])
    assert other_admin_client.get(url).status_code == 404
    assert other_admin_client.post(url, {}).status_code == 404
    held_order.refresh_from_db()
    assert held_order.state == "on_hold"


def test_cancelling_needs_the_licensing_permission(contact_client, licensing_contact, held_order):
    licensing_contact.can_license = False
    licensing_contact.save()
    assert contact_client.post(reverse("licensing:order-cancel", args=[held_order.number]), {}).status_code == 403
    held_order.refresh_from_db()
    assert held_order.state == "on_hold"


def test_an_invoiced_processed_order_tells_the_reseller_to_ask_for_a_credit_note(contact_client, vl_order_in, back_office):
    from orders.invoices import invoice_issue

    order = vl_order_in(LicenceOrder.State.PROCESSED)
    invoice = invoice_issue(actor=back_office, licence_order=order)

    page = contact_client.get(reverse("licensing:order-detail", args=[order.number])).content.decode()

    assert f"invoiced ({invoice.number})" in page and "credit note" in page
    assert "Cancel with a replacement order" not in page
