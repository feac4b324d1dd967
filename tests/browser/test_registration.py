"""Becoming a customer and getting access: "Become a Customer" in two countries with their documents,
the back office's approval, and "Request Access" from the sign-in page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Registration
from tests.accounts.test_registration import DOC, EXE, JPG, PDF, PNG, docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _file(name: str, content: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": content}


def _fill_applicant(store, page: Page, values: dict[str, str]) -> None:
    main = page.get_by_role("main")
    for field, value in values.items():
        main.get_by_label(store.label(field)).fill(value)


def _choose_country(page: Page, country: str) -> None:
    main = page.get_by_role("main")
    main.get_by_label("Your country").select_option(label=country)
    main.get_by_role("button", name="Show the form for this country").click()
    page.wait_for_load_state()


def _apply(store, mailbox, page: Page, *, country: str, values: dict[str, str], refused: dict, accepted: dict, messages: dict) -> None:
    """Fill "Become a Customer" for a country: refused files first (each with its message), then the right ones."""
    main = page.get_by_role("main")
    store.header(page).get_by_role("link", name="Become a Customer").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Become a .+ Customer$"))).to_be_visible()
    _choose_country(page, country)
    expect(main.get_by_role("group", name=f"Documents for {country}")).to_be_visible()
    _fill_applicant(store, page, values)
    for document, upload in refused.items():
        main.get_by_label(store.label(document)).set_input_files(upload)
    store.shot(page, f"{country} form with wrong files")
    main.get_by_role("button", name="Send registration").click()
    page.wait_for_load_state()

    # Each refusal next to its own input; what was typed is kept, the files must be chosen again.
    for document, message in messages.items():
        field = main.locator(".field").filter(has=page.get_by_label(store.label(document)))
        expect(field.get_by_role("alert")).to_have_text(message)
    expect(main.get_by_text("the files must be chosen again")).to_be_visible()
    for field, value in values.items():
        expect(main.get_by_label(store.label(field))).to_have_value(value)
    store.shot(page, f"{country} files refused")

    for document, upload in accepted.items():
        main.get_by_label(store.label(document)).set_input_files(upload)
    main.get_by_role("button", name="Send registration").click()
    expect(page.get_by_role("heading", name="Your registration was received")).to_be_visible()
    expect(page.get_by_text("One of our representatives will contact you to validate your information")).to_be_visible()
    store.shot(page, f"{country} registration received")
    mailbox.latest(page, values["Email"], "we received your registration")


def test_become_a_customer_in_mexico_and_colombia_then_the_back_office_approves(store, mailbox, back_office, password):
    page = store.start()
    mexico = {
        "Company name": "Redes del Norte SA de CV",
        "Tax ID": "RNO010101AB1",
        "Address": "Av. Constitución 100",
        "City": "Monterrey",
        "Company phone": "+52 81 5555 0000",
        "First name": "Lucía",
        "Last name": "Garza",
        "Position": "Director",
        "Email": "lucia@redesdelnorte.example",
        "Phone": "+52 81 5555 0001",
    }
    _apply(
        store, mailbox, page,
        country="Mexico",
        values=mexico,
        refused={
            "Certificate of fiscal standing": _file("constancia.pdf", PDF + b"\x00" * ONE_MB),
            "Legal Representative official ID (INE, ID Card, Passport)": _file("ine.pdf", EXE),
        },
        accepted={
            "Certificate of fiscal standing": _file("constancia.pdf", PDF),
            "Legal Representative official ID (INE, ID Card, Passport)": _file("ine.jpg", JPG),
        },
        messages={
            "Certificate of fiscal standing": "Certificate of fiscal standing is larger than 1 MB.",
            "Legal Representative official ID (INE, ID Card, Passport)":
                "Legal Representative official ID (INE, ID Card, Passport) is not a PDF, JPG, Word or PNG file.",
        },
    )

    page = store.start()
    colombia = {**mexico, "Company name": "Andina Tech SAS", "Tax ID": "900123456-7", "City": "Bogotá", "Email": "pedro@andina.example"}
    _apply(
        store, mailbox, page,
        country="Colombia",
        values=colombia,
        refused={
            "Chamber of Commerce Certificate": _file("camara.exe", EXE),
            "Sole Tax Registry Form (RUT)": _file("rut.png", PNG + b"\x00" * ONE_MB),
        },
        accepted={
            "Chamber of Commerce Certificate": _file("camara.docx", docx()),
            "Sole Tax Registry Form (RUT)": _file("rut.doc", DOC),
        },
        messages={
            "Chamber of Commerce Certificate": "Chamber of Commerce Certificate is not a PDF, JPG, Word or PNG file.",
            "Sole Tax Registry Form (RUT)": "Sole Tax Registry Form (RUT) is larger than 1 MB.",
        },
    )
    assert sorted(Registration.objects.values_list("country", "state")) == [("CO", "submitted"), ("MX", "submitted")]
    mailbox.latest(page, "support@store.test", "New registration: Andina Tech SAS (Colombia)")

    # The back office approves Mexico's application with a customer code of its own.
    back = store.new_page()
    back.goto(f"{store.base_url}/backoffice/accounts/registration/")
    back.get_by_label("Username").fill(back_office.username)
    back.get_by_label("Password").fill(password)
    back.get_by_role("button", name="Log in").click()
    row = back.get_by_role("row").filter(has_text="Redes del Norte SA de CV")
    expect(row).to_contain_text("Mexico")
    row.get_by_role("checkbox").check()
    back.get_by_role("combobox", name=re.compile(r"^Action")).select_option(label="Approve (create the account and its administrator)")
    back.get_by_role("button", name="Go").click()
    back.get_by_label("Customer code").fill("MX-1001")
    back.get_by_role("button", name="Apply").click()
    expect(back.get_by_text(re.compile(r"Redes del Norte SA de CV approved: account MX-1001"))).to_be_visible()
    store.shot(back, "back office approved")

    # The new administrator receives the foundation's invitation and confirms it.
    mailbox.follow_link(page, "lucia@redesdelnorte.example", "confirm")
    page.get_by_role("button", name="confirm").click()
    mailbox.latest(page, "lucia@redesdelnorte.example", "activate your user")


def test_request_access_from_the_sign_in_page(store, mailbox, contact):
    page = store.start()
    store.header(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_text("Are you already a customer and need access to the WebStore?")).to_be_visible()
    page.get_by_role("link", name="Request Access").click()
    expect(page.get_by_role("heading", name="Request Access")).to_be_visible()

    main = page.get_by_role("main")
    main.get_by_label(store.label("Country")).select_option(label="Mexico")
    main.get_by_label(store.label("Assigned customer code")).fill(contact.account.customer_code)
    main.get_by_label(store.label("Email provided when registering")).fill("Carlos@Acme.test")
    main.get_by_label(store.label("Name")).fill("Carlos Bermudez")
    store.shot(page, "request access")
    main.get_by_role("button", name="Request Access").click()
    expect(page.get_by_role("heading", name="Your request was received")).to_be_visible()
    answer = main.inner_text()
    store.shot(page, "request received")

    email = mailbox.latest(page, "carlos@acme.test", "request for existing customer account")
    expect(email).to_contain_text("Your user is active")
    expect(email).to_contain_text(contact.account.customer_code)

    # A request that matches nobody gets the very same answer, and no email.
    page.goto(f"{store.base_url}/account/request-access/")
    main.get_by_label(store.label("Country")).select_option(label="Mexico")
    main.get_by_label(store.label("Assigned customer code")).fill(contact.account.customer_code)
    main.get_by_label(store.label("Email provided when registering")).fill("stranger@elsewhere.example")
    main.get_by_label(store.label("Name")).fill("Stranger")
    main.get_by_role("button", name="Request Access").click()
    expect(page.get_by_role("heading", name="Your request was received")).to_be_visible()
    assert main.inner_text() == answer
    mailbox.open(page)
    expect(mailbox.emails(page, "stranger@elsewhere.example")).to_have_count(0)


def test_become_a_customer_with_a_known_email_answers_as_for_a_new_one(store, mailbox, contact):
    page = store.start()
    main = page.get_by_role("main")
    store.header(page).get_by_role("link", name="Become a Customer").click()
    _choose_country(page, "United States (Miami)")
    expect(main.get_by_text("No documents will be requested when registering from our WebStore.")).to_be_visible()
    _fill_applicant(store, page, {
        "Company name": "Acme Reseller",
        "Tax ID": "US-1234",
        "Address": "100 Biscayne Blvd",
        "City": "Miami",
        "Company phone": "+1 305 555 0000",
        "First name": "Carlos",
        "Last name": "Bermudez",
        "Position": "Buyer",
        "Email": "Carlos@Acme.test",
        "Phone": "+1 305 555 0001",
    })
    main.get_by_role("button", name="Send registration").click()

    # The page a new applicant sees; nothing saved, and the owner of the address is told how to sign in.
    expect(page.get_by_role("heading", name="Your registration was received")).to_be_visible()
    expect(page.get_by_text("One of our representatives will contact you to validate your information")).to_be_visible()
    store.shot(page, "known email received")
    assert Registration.objects.count() == 0
    email = mailbox.latest(page, "carlos@acme.test", "your email is already registered with us")
    expect(email).to_contain_text("This email already has a user in the WebStore.")
