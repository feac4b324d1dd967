"""Links in emails and PDFs grant nothing without the owner's session: every link of the emails the
store sends (and of an invoice PDF) is followed signed out and as another account's contact, and
answers the sign-in page or 404, never the content its owner sees."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from accounts import services as account_services
from accounts.services import ContactData
from orders import invoices
from storefront.models import OutboundEmail
from licensing.models import LicenceOrder
from tests.accounts.test_signin_link import spend_the_bound
from tests.licensing.conftest import held_order, licensing_contact, place_vl, vl_catalog, vl_order_in  # noqa: F401 - fixtures

# Links whose token is itself the credential, sent to one mailbox, single use: they ask for the next
# step (the email and a code, a new password) and sign nobody in.
TOKEN_ROUTES = {
    "accounts:contact-confirm",
    "accounts:contact-activate",
    "accounts:email-validate",
    "account_reset_password_from_key",
    "accounts:signin-link",
}
# Pages for everyone: they show no account's data.
PUBLIC_ROUTES = {"account_login", "account_reset_password", "accounts:request-access", "home"}


def _links(text: str) -> set[str]:
    """The paths of the store's links in a text (the site's address, or the request's for allauth's)."""
    hosts = {settings.SITE_URL.rstrip("/").split("://", 1)[-1], "testserver"}
    return {m.group(2) for m in re.finditer(r"https?://([^/\s\"'<>]+)(/[^\s\"'<>)]*)", text) if m.group(1) in hosts}


@pytest.fixture
def emails_and_pdfs(held_order, vl_order_in, admin_contact, back_office, sales_executive):  # noqa: F811
    """The emails of a licensing order on hold (to its contact and the sales executive) and of one
    received, with its invoice and the invoice's PDF, an invitation to a new contact, and a password
    reset."""
    received = vl_order_in(LicenceOrder.State.RECEIVED)
    invoice = invoices.invoice_issue(actor=back_office, licence_order=received)
    account_services.contact_create(
        actor=admin_contact, account=admin_contact.account, data=ContactData(first_name="Nora", last_name="Nuevo", email="nora@acme.test")
    )
    Client().post(reverse("account_reset_password"), {"user_id": "carlos", "email": "carlos@acme.test"})
    # A sign-in link, for a contact whose sign-in is paused (its guesses of the hour spent)
    spend_the_bound(admin_contact.user)
    Client().post(reverse("accounts:signin-link-request"), {"login": admin_contact.user.email})
    texts = [f"{e.body_text}\n{e.body_html}" for e in OutboundEmail.objects.all()]
    pdf = invoices.invoice_pdf_render(invoice=invoice)
    texts.append("\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    return held_order, texts


def test_emailed_links_grant_nothing_without_the_owners_session(
    emails_and_pdfs, licensing_contact, other_admin_client, contact_client, capsys  # noqa: F811
):
    order, texts = emails_and_pdfs
    links = set().union(*(_links(t) for t in texts))
    assert links, "no link found: the test would prove nothing"
    checked = {"token": 0, "public": 0, "content": 0}
    for link in sorted(links):
        name = resolve(link.split("?")[0]).view_name
        if name in PUBLIC_ROUTES:
            checked["public"] += 1
            continue
        signed_out = Client().get(link)
        as_other = other_admin_client.get(link)
        if name in TOKEN_ROUTES:
            checked["token"] += 1
            for response in (signed_out, as_other):
                assert response.status_code in (200, 302, 400), (link, response.status_code)
                assert order.number not in response.content.decode()
            # following it signs nobody in
            visitor = Client()
            visitor.get(link, follow=True)
            assert "_auth_user_id" not in visitor.session
            continue
        checked["content"] += 1
        # The owner's side sees it (the staff's console link is a staff page: a contact never does)
        # Signed out: the sign-in page
        assert signed_out.status_code == 302 and signed_out["Location"].startswith(reverse("account_login")), link
        # Another account's contact: 404 (or a page of its own account, without the owner's content)
        assert as_other.status_code in (404, 403) or order.number not in as_other.content.decode(), link
        if as_other.status_code == 200:
            assert "Acme Reseller" not in as_other.content.decode(), link
    with capsys.disabled():
        print(f"\n[emailed links] {len(links)} links: {checked}")
    assert checked["content"] >= 2 and checked["token"] >= 2


def test_the_order_link_shows_the_order_to_its_owner_only(held_order, licensing_contact, other_admin_client):  # noqa: F811
    mail = OutboundEmail.objects.filter(to=licensing_contact.user.email).first()
    link = next(iter(_links(mail.body_text)))
    owner = Client()
    owner.force_login(licensing_contact.user)
    assert held_order.number in owner.get(link).content.decode()
    assert other_admin_client.get(link).status_code == 404
