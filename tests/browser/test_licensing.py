"""Volume licensing, walked by its labels: the reseller orders with a special price, the sales executive
decides in the Sales console, the back office moves the order on, and a day after "received" the
eCertificate is downloaded; a rejection gives the credit back; a counter-offer is accepted; a contact
without the licensing permission is kept out."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from django.utils.dateformat import format as date_format
from playwright.sync_api import Page, expect

from licensing.models import LicenceOrder
from licensing.tasks import vl_certificates_release_due
from tests.licensing.conftest import licensing_contact, vl_catalog  # noqa: F401 - Acme's contact may license; the programs and products

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICE, SERVER = "VL-MS-0001", "VL-MS-0002"  # list prices for Acme: 9,000.00 and 18,000.00 MXN
RESELLER_EMAIL, EXECUTIVE_EMAIL = "carlos@acme.test", "sales@distributor.test"
ORDER_NUMBER = re.compile(r"VL\d{8}")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# --- walking the pages --------------------------------------------------------------------------


def _signed_in(store, login: str, password: str) -> Page:
    """A person's own browser, signed in at the store's sign-in page."""
    page = store.start()
    store.sign_in(page, login, password)
    expect(store.header(page).get_by_role("button", name="Sign out")).to_be_visible()
    return page


def _open_volume_licensing(store, page: Page, program: str = "Open Value") -> None:
    """MY ACCOUNT → "Volume Licensing" (the orders), then the order page of that program."""
    store.start(page)
    store.my_account(page, "Volume Licensing")
    expect(page.get_by_role("heading", name="Volume Licensing orders")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="New licensing order").first.click()
    expect(page.get_by_role("heading", name="Volume Licensing", exact=True)).to_be_visible()
    page.get_by_role("navigation", name="Programs").get_by_role("link", name=program, exact=True).click()
    expect(page.get_by_role("heading", name=program, exact=True)).to_be_visible()


def _available_credit(page: Page) -> str:
    """The order page's "Available credit: 500,000.00 MXN." line, as it reads."""
    credit = page.get_by_text(re.compile(r"^Available credit: [\d,]+\.\d\d MXN\.$"))
    expect(credit).to_be_visible()
    return credit.inner_text().strip()


def _place(store, page: Page, lines: dict[str, tuple[str, str]], end_customer: str) -> str:
    """Type an amount (and maybe a special price) per SKU, the end customer, "Finish order"; the number."""
    for sku, (amount, special_price) in lines.items():
        page.get_by_label(f"Amount of {sku}", exact=True).fill(amount)
        if special_price:
            page.get_by_label(f"Special price of {sku}", exact=True).fill(special_price)
    page.get_by_label(store.label("End customer")).fill(end_customer)
    store.shot(page, "volume licensing order form")
    page.get_by_role("button", name="Finish order").click()
    heading = page.get_by_role("heading", name=re.compile(r"^Licensing order VL\d{8}"))
    expect(heading).to_be_visible()
    return ORDER_NUMBER.search(heading.inner_text()).group(0)


def _expect_order_state(page: Page, number: str, state: str) -> None:
    expect(page.get_by_role("heading", name=re.compile(rf"^Licensing order {number}"))).to_contain_text(state)


def _line(page: Page, sku: str):
    """The row of an order's lines table for that SKU."""
    return page.locator("table.order-lines tbody tr").filter(has=page.get_by_role("cell", name=sku, exact=True))


def _console_order(store, page: Page, number: str) -> None:
    """The header's "Sales console", then the held order by its number."""
    store.header(page).get_by_role("link", name="Sales console").click()
    expect(page.get_by_role("heading", name="Sales console")).to_be_visible()
    page.get_by_role("row").filter(has_text=number).get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", name=re.compile(rf"^Licensing order {number}"))).to_be_visible()


def _admin_message(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.locator("ul.messagelist li").filter(has_text=text)).to_be_visible()


# --- the flows ----------------------------------------------------------------------------------


def test_a_special_price_is_approved_and_the_ecertificate_is_downloaded_a_day_after_receipt(
    store, mailbox, licensing_contact, vl_catalog, sales_executive, back_office, password
):
    # Given Carlos, who may order volume licensing, on the Open Value order page
    reseller = _signed_in(store, "carlos", password)
    reseller_mail = store.new_page()
    _open_volume_licensing(store, reseller)
    expect(reseller.get_by_role("row").filter(has_text=OFFICE)).to_contain_text("9,000.00")
    expect(reseller.get_by_role("row").filter(has_text=SERVER)).to_contain_text("18,000.00")

    # When he orders 10 Office at a special 8,000.00 and 2 Windows Server at list price
    number = _place(store, reseller, {OFFICE: ("10", "8000.00"), SERVER: ("2", "")}, "Colegio Azteca")

    # Then the order is on hold, and the page says why
    store.expect_message(reseller, f"Order {number} is on hold, awaiting your sales executive's approval.")
    _expect_order_state(reseller, number, "On hold, awaiting approval")
    expect(reseller.get_by_text("Special price requested on 1 line: awaiting your sales executive's approval.")).to_be_visible()
    expect(_line(reseller, OFFICE)).to_contain_text("8,000.00")
    expect(reseller.get_by_text("Colegio Azteca", exact=True)).to_be_visible()
    expect(reseller.get_by_text("Download eCertificate")).to_have_count(0)
    store.shot(reseller, "order on hold")
    mailbox.latest(reseller_mail, RESELLER_EMAIL, f"licensing order {number} received, awaiting approval")

    # And the sales executive is emailed the prices asked
    executive_mail = store.new_page()
    held = mailbox.latest(executive_mail, EXECUTIVE_EMAIL, f"licensing order {number} of Acme Reseller awaits your approval")
    expect(held).to_contain_text(f"10 × {OFFICE} Office LTSC Standard 2024 Open Value: list price 9,000.00, requested 8,000.00 MXN")
    expect(held).to_contain_text(f"2 × {SERVER} Windows Server 2022 Standard Open Value: list price 18,000.00")
    store.shot(executive_mail, "email to the sales executive")

    # When the sales executive signs in and opens the order in the Sales console
    executive = _signed_in(store, "sales", password)
    store.header(executive).get_by_role("link", name="Sales console").click()
    row = executive.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Acme Reseller")
    expect(row).to_contain_text("126,000.00 MXN")  # list total
    expect(row).to_contain_text("116,000.00 MXN")  # requested total
    expect(row).to_contain_text("-10,000.00 MXN")
    store.shot(executive, "sales console")
    row.get_by_role("link", name=number).click()

    # Then each line shows the list price, the price asked and the difference
    office = _line(executive, OFFICE)
    for figure in ["10", "9,000.00", "8,000.00", "-1,000.00", "-11.11 %", "-10,000.00"]:
        expect(office).to_contain_text(figure)
    server = _line(executive, SERVER)
    expect(server).to_contain_text("18,000.00")
    expect(server).to_contain_text("list price")
    expect(executive.locator("table.order-lines tfoot")).to_contain_text("-10,000.00 MXN (-7.94 %)")
    credit = store.section(executive, "Credit of the account")
    expect(credit.get_by_text("Available credit", exact=True).locator("xpath=following-sibling::dd[1]")).to_have_text("384,000.00 MXN")
    store.shot(executive, "console order")

    # When the executive approves
    executive.get_by_role("button", name="Approve", exact=True).click()
    store.expect_message(executive, f"Order {number} is approved; the reseller is told by email.")
    expect(executive.get_by_role("heading", name=re.compile(rf"^Licensing order {number}"))).to_contain_text("Approved")

    # Then Carlos sees it approved, and is emailed
    reseller.reload()
    _expect_order_state(reseller, number, "Approved")
    expect(reseller.get_by_text("Special price requested on")).to_have_count(0)
    expect(reseller.locator("table.order-lines tfoot")).to_contain_text("116,000.00 MXN")
    store.shot(reseller, "order approved")
    approved = mailbox.latest(reseller_mail, RESELLER_EMAIL, f"licensing order {number} is now Approved")
    expect(approved).to_contain_text("Your sales executive approved the order")

    # When the back office moves it on, in the back office
    office_page = _signed_in(store, "backoffice", password)
    store.header(office_page).get_by_role("link", name="Back office").click()
    office_page.locator("#content").get_by_role("link", name="Licensing orders", exact=True).click()
    office_page.get_by_role("link", name=number, exact=True).click()
    actions = office_page.locator("fieldset").filter(has=office_page.get_by_role("heading", name="Back-office actions"))
    expect(actions.get_by_role("button", name="Mark processed")).to_have_count(0)
    actions.get_by_role("button", name="Send to manufacturer").click()
    _admin_message(office_page, f"{number} is now “Sent to the manufacturer”.")
    expect(office_page.get_by_text("Record the manufacturer's authorization number and save before marking the order processed.")).to_be_visible()
    office_page.get_by_label("Authorization number").fill("MS-AUTH-0042")
    office_page.get_by_role("button", name="Save and continue editing").click()
    _admin_message(office_page, "was changed successfully")
    actions.get_by_role("button", name="Mark processed").click()
    _admin_message(office_page, f"{number} is now “Processed”.")
    actions.get_by_role("link", name="Record software keys").click()
    expect(office_page.get_by_role("heading", name=f"Software keys of {number}")).to_be_visible()
    office_page.get_by_label(f"{OFFICE} · Office LTSC Standard 2024 Open Value").fill("NKJFK-GPHP7-G8C3J-P6JXR-HQRJR")
    office_page.get_by_label(f"{SERVER} · Windows Server 2022 Standard Open Value").fill("VDYBN-27WPP-V4HQT-9VMD4-VMK7H\nWX4NM-KYWYW-QJJR4-XV3QB-6VM33")
    store.shot(office_page, "back office software keys")
    office_page.get_by_role("button", name="Save keys").click()
    _admin_message(office_page, f"3 software key(s) recorded on {number}.")
    actions.get_by_role("button", name="Mark received").click()
    _admin_message(office_page, f"{number} is now “Received”.")
    store.shot(office_page, "back office order received")

    # Then Carlos sees it received, with its keys; the eCertificate comes 24 hours later
    order = LicenceOrder.objects.get(number=number)
    assert order.state == "received" and order.authorization_number == "MS-AUTH-0042"
    due = date_format(timezone.localtime(order.certificate_due_at), "Y-m-d H:i")
    reseller.reload()
    _expect_order_state(reseller, number, "Received")
    expect(reseller.get_by_text("MS-AUTH-0042", exact=True)).to_be_visible()
    expect(_line(reseller, OFFICE).get_by_role("list", name="Software keys")).to_contain_text("NKJFK-GPHP7-G8C3J-P6JXR-HQRJR")
    expect(reseller.get_by_text(f"available from {due}", exact=True)).to_be_visible()
    expect(reseller.get_by_role("link", name="Download eCertificate")).to_have_count(0)
    store.shot(reseller, "order received, ecertificate not yet")
    mailbox.latest(reseller_mail, RESELLER_EMAIL, f"licensing order {number} is now Received")

    # And beat's task does nothing before the 24 hours have passed
    vl_certificates_release_due.delay()
    reseller.reload()
    expect(reseller.get_by_text(f"available from {due}", exact=True)).to_be_visible()
    expect(reseller.get_by_role("link", name="Download eCertificate")).to_have_count(0)

    # When a day has passed and beat runs the task
    with time_machine.travel(order.certificate_due_at + timedelta(minutes=1), tick=True):
        vl_certificates_release_due.delay()

        # Then Carlos downloads the eCertificate from the order's page
        reseller.reload()
        _expect_order_state(reseller, number, "Received")
        store.shot(reseller, "ecertificate available")
        with reseller.expect_download() as download_info:
            reseller.get_by_role("link", name="Download eCertificate").click()
        download = download_info.value
        assert download.suggested_filename == f"{number}-ecertificate.pdf"
        assert Path(download.path()).read_bytes().startswith(b"%PDF")

        # And he is told by email
        available = mailbox.latest(reseller_mail, RESELLER_EMAIL, f"the eCertificate of order {number} is available")
        store.shot(reseller_mail, "ecertificate email")
        expect(available).to_be_visible()

        # And My Downloads shows the order with its keys, and the keys handed out
        store.my_account(reseller, "My Downloads")
        expect(reseller.get_by_role("heading", name="My Downloads")).to_be_visible()
        reseller.get_by_role("navigation", name="My Downloads").get_by_role("link", name="purchased licenses").click()
        purchase = reseller.get_by_role("article").filter(has=reseller.get_by_role("heading", name=re.compile(rf"^{number}")))
        expect(purchase).to_contain_text("Received")
        expect(purchase).to_contain_text("MS-AUTH-0042")
        expect(purchase).to_contain_text("Colegio Azteca")
        expect(purchase.get_by_role("link", name="Download eCertificate")).to_be_visible()
        expect(purchase.get_by_role("row").filter(has_text=SERVER)).to_contain_text("VDYBN-27WPP-V4HQT-9VMD4-VMK7H")
        expect(purchase.get_by_role("row").filter(has_text=SERVER)).to_contain_text("WX4NM-KYWYW-QJJR4-XV3QB-6VM33")
        store.shot(reseller, "my downloads purchased licenses")
        reseller.get_by_role("navigation", name="My Downloads").get_by_role("link", name="Distributed keys").click()
        expect(reseller.get_by_role("heading", name="Distributed keys")).to_be_visible()
        keys = reseller.locator("table.vl-distributed-keys tbody tr")
        expect(keys).to_have_count(3)
        office_key = keys.filter(has_text="NKJFK-GPHP7-G8C3J-P6JXR-HQRJR")
        expect(office_key).to_contain_text("Office LTSC Standard 2024 Open Value")
        expect(office_key).to_contain_text(number)
        store.shot(reseller, "my downloads distributed keys")


def test_a_rejected_special_price_order_returns_its_credit(store, mailbox, licensing_contact, vl_catalog, sales_executive, password):
    # Given Carlos on the Open Value order page, with the credit it shows
    reseller = _signed_in(store, "carlos", password)
    _open_volume_licensing(store, reseller)
    before = _available_credit(reseller)
    assert before == "Available credit: 500,000.00 MXN."

    # When he orders 5 Office at a special 7,000.00 (list 9,000.00)
    number = _place(store, reseller, {OFFICE: ("5", "7000.00")}, "Hospital del Norte")
    _expect_order_state(reseller, number, "On hold, awaiting approval")

    # Then the order holds its 35,000.00 of credit
    _open_volume_licensing(store, reseller)
    expect(reseller.get_by_text("Available credit: 465,000.00 MXN.", exact=True)).to_be_visible()

    # When the sales executive rejects it with a reason
    executive = _signed_in(store, "sales", password)
    _console_order(store, executive, number)
    reject = executive.locator("form#reject")
    reject.get_by_label(store.label("Reason")).fill("7,000.00 is below our floor for Open Value.")
    store.shot(executive, "console reject")
    reject.get_by_role("button", name="Reject").click()
    store.expect_message(executive, f"Order {number} is rejected; its credit is returned to the account and the reseller is told by email.")
    credit = store.section(executive, "Credit of the account")
    expect(credit.get_by_text("Available credit", exact=True).locator("xpath=following-sibling::dd[1]")).to_have_text("500,000.00 MXN")

    # Then Carlos sees it rejected, and why
    store.my_account(reseller, "Volume Licensing")
    row = reseller.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Rejected")
    row.get_by_role("link", name=number).click()
    _expect_order_state(reseller, number, "Rejected")
    expect(reseller.get_by_text("Rejected by your sales executive: 7,000.00 is below our floor for Open Value.")).to_be_visible()
    expect(reseller.get_by_role("link", name="Cancel order")).to_have_count(0)
    store.shot(reseller, "order rejected")
    email = mailbox.latest(store.new_page(), RESELLER_EMAIL, f"licensing order {number} is now Rejected")
    expect(email).to_contain_text("Reason: 7,000.00 is below our floor for Open Value.")

    # And the available credit is what it was before the order
    _open_volume_licensing(store, reseller)
    assert _available_credit(reseller) == before
    store.shot(reseller, "credit back")


def test_a_counter_offer_accepted_by_the_reseller_approves_the_order_at_those_prices(
    store, mailbox, licensing_contact, vl_catalog, sales_executive, password
):
    # Given an order of 10 Office at a special 7,500.00 and 1 Windows Server at list price
    reseller = _signed_in(store, "carlos", password)
    _open_volume_licensing(store, reseller)
    number = _place(store, reseller, {OFFICE: ("10", "7500.00"), SERVER: ("1", "")}, "Colegio Azteca")
    _expect_order_state(reseller, number, "On hold, awaiting approval")

    # When the sales executive offers 8,200.00 for Office and keeps Windows Server at list
    executive = _signed_in(store, "sales", password)
    _console_order(store, executive, number)
    counter = executive.locator("form#counter-offer")
    expect(counter.get_by_label(f"Price offered for {OFFICE}")).to_have_value("7500.00")
    expect(counter.get_by_label(f"Price offered for {SERVER}")).to_have_value("18000.00")
    counter.get_by_label(f"Price offered for {OFFICE}").fill("8200.00")
    counter.get_by_label(store.label("Note for the reseller (optional)")).fill("Our best price this quarter.")
    store.shot(executive, "console counter-offer")
    counter.get_by_role("button", name="Send counter-offer").click()
    store.expect_message(executive, f"Your counter-offer on order {number} was sent to the reseller.")
    expect(executive.get_by_role("heading", name=re.compile(rf"^Licensing order {number}"))).to_contain_text("Counter-offer, awaiting your answer")

    # Then Carlos sees the prices offered, and is emailed them
    reseller.reload()
    _expect_order_state(reseller, number, "Counter-offer, awaiting your answer")
    expect(reseller.get_by_text("Your sales executive offers other prices: accept or decline the counter-offer.")).to_be_visible()
    expect(reseller.get_by_text("Note from your sales executive: Our best price this quarter.")).to_be_visible()
    expect(_line(reseller, OFFICE)).to_contain_text("8,200.00")
    store.shot(reseller, "counter-offer to answer")
    email = mailbox.latest(store.new_page(), RESELLER_EMAIL, f"licensing order {number} is now Counter-offer, awaiting your answer")
    expect(email).to_contain_text(f"10 × {OFFICE} Office LTSC Standard 2024 Open Value: 8,200.00 MXN")

    # When he accepts the counter-offer
    reseller.get_by_role("button", name="Accept counter-offer").click()

    # Then the order is approved at the executive's prices
    store.expect_message(reseller, f"You accepted the counter-offer: order {number} is approved.")
    _expect_order_state(reseller, number, "Approved")
    office = _line(reseller, OFFICE)
    expect(office.get_by_role("cell").nth(6)).to_have_text("8,200.00")  # unit price
    expect(office.get_by_role("cell").nth(7)).to_have_text("82,000.00")  # line total
    expect(_line(reseller, SERVER).get_by_role("cell").nth(6)).to_have_text("18,000.00")
    expect(reseller.locator("table.order-lines tfoot")).to_contain_text("100,000.00 MXN")
    expect(reseller.get_by_role("button", name="Accept counter-offer")).to_have_count(0)
    store.shot(reseller, "counter-offer accepted")
    mailbox.latest(store.new_page(), EXECUTIVE_EMAIL, f"counter-offer on {number} accepted")
    order = LicenceOrder.objects.get(number=number)
    assert (order.state, order.total) == ("approved", 100000)


def test_a_contact_without_the_licensing_permission_sees_no_volume_licensing(store, contact, vl_catalog, password):
    # Given Carlos without the volume licensing permission
    contact.can_license = False
    contact.save(update_fields=["can_license"])
    page = _signed_in(store, "carlos", password)

    # Then MY ACCOUNT has no "Volume Licensing"
    header = store.header(page)
    header.get_by_text("MY ACCOUNT", exact=True).click()
    expect(header.get_by_role("link", name="Account Information")).to_be_visible()
    expect(header.get_by_role("link", name="Volume Licensing", exact=True)).to_have_count(0)
    store.shot(page, "my account without volume licensing")

    # And its addresses answer "Not allowed"
    for path in ["/licensing/order/", "/licensing/orders/"]:
        response = page.goto(f"{store.base_url}{path}")
        assert response is not None and response.status == 403, path
        expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    store.shot(page, "volume licensing not allowed")
