"""RMA, from a delivered order to a resolved request: the contact files it, the back office resolves it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from rma import services
from rma.models import RmaRequest
from tests.rma.conftest import centre, delivered  # noqa: F401 - a delivered order and Mexico's centre
from tests.storefront.upload_builders import png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


PNG = png()


def test_a_contact_files_an_rma_and_follows_it_to_resolved(store, mailbox, contact, delivered, centre, back_office, password):
    page = store.start()
    store.sign_in(page, "carlos", password)
    store.my_account(page, "RMA")

    # The RMA section: its two links and the service centre of the account's country.
    expect(page.get_by_role("heading", name="RMA", exact=True)).to_be_visible()
    expect(page.get_by_text("Service Centre CDMX")).to_be_visible()
    expect(page.get_by_text("Mon–Fri 9:00–18:00")).to_be_visible()
    store.shot(page, "rma section")

    # "RMA Request", step 1: the order number; the contact details come filled in.
    page.get_by_role("main").get_by_role("link", name="RMA Request").first.click()
    expect(page.get_by_role("heading", name="RMA Request")).to_be_visible()
    expect(page.get_by_label(store.label("Contact email"))).to_have_value("carlos@acme.test")
    page.get_by_label(store.label("Order number")).fill(delivered.number)
    page.get_by_role("button", name="Next").click()

    # Step 2: the product of that order and the claim, then "submit".
    line = delivered.lines.get(sku="NB-LEN-0001")
    page.get_by_label(store.label("Product")).select_option(str(line.pk))
    page.get_by_label(store.label("Quantity")).fill("1")
    page.get_by_label(store.label("Type of claim")).select_option(label="Defective")
    page.get_by_label(store.label("Details of the problem")).fill("The screen stays black.")
    page.get_by_label(store.label("Serial number")).fill("PF-TP-0002")
    page.get_by_label(store.label("Photos or documents")).set_input_files(
        [{"name": "screen.png", "mimeType": "image/png", "buffer": PNG}]
    )
    store.shot(page, "rma request step 2")
    page.get_by_role("button", name="submit", exact=True).click()

    # The RMA number at once, and an email confirms it.
    expect(page.get_by_role("heading", name="Your RMA request was received")).to_be_visible()
    rma = RmaRequest.objects.get()
    expect(page.get_by_text(re.compile(rf"Your RMA number is {rma.number}"))).to_be_visible()
    store.shot(page, "rma number")
    mail = mailbox.latest(page, "carlos@acme.test", f"RMA request {rma.number} received")
    expect(mail).to_contain_text("PF-TP-0002")

    # The back office moves it along to resolved (replaced).
    services.rma_move(actor=back_office, rma=rma, to_state="under_review")
    services.rma_move(actor=back_office, rma=rma, to_state="approved", service_centre=centre, return_instructions="Send it with the RMA label.")
    services.rma_move(actor=back_office, rma=rma, to_state="received")
    services.rma_move(actor=back_office, rma=rma, to_state="resolved", resolution="replaced")
    mailbox.latest(page, "carlos@acme.test", f"RMA {rma.number} is now Resolved")

    # "RMA Status": resolved; its page tells the history.
    store.start(page)
    store.my_account(page, "RMA")
    page.get_by_role("main").get_by_role("link", name="RMA Status").first.click()
    row = page.get_by_role("row").filter(has_text=rma.number)
    expect(row).to_contain_text("Resolved")
    expect(row).to_contain_text(delivered.number)
    expect(row).to_contain_text("PF-TP-0002")
    row.get_by_role("link", name=rma.number).click()
    expect(page.get_by_role("heading", name=re.compile(rf"RMA request {rma.number}"))).to_contain_text("Resolved")
    history = store.section(page, "Status history")
    for step in ["Submitted → Under review", "Under review → Approved", "Approved → Received", "Received → Resolved"]:
        expect(history).to_contain_text(step)
    expect(page.get_by_text("Replaced", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="screen.png")).to_be_visible()
    store.shot(page, "resolved request")
