""""Request Access": an email to a matching contact only, and the same answer whether or not it matches."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts import registration as services
from accounts.models import Contact, ContactLink
from storefront.country import COOKIE_NAME
from storefront.models import OutboundEmail
from tests.accounts.factories import ContactFactory

pytestmark = pytest.mark.django_db

URL = "accounts:request-access"


def _post(
    client, account, email: str, *, country: str | None = None, code: str | None = None, name: str = "Carlos Bermudez", **extra
):
    data = {
        "country": country or account.country,
        "customer_code": code if code is not None else account.customer_code,
        "email": email,
        "name": name,
    }
    return client.post(reverse(URL), data, **extra)


def _answer(client, response) -> tuple[int, str, int, str]:
    """What the person sees: the status and target of the answer, then the page it leads to."""
    page = client.get(response.url)
    # The CSRF tokens are masked afresh on every page, and each page has its own CSP nonce: everything
    # else must be the same.
    html = re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce=")[^"]+', r"\1", page.content.decode())
    return response.status_code, response.url, page.status_code, html


def test_the_sign_in_page_offers_request_access(client):
    page = client.get(reverse("account_login")).content.decode()
    assert "Are you already a customer and need access to the WebStore?" in page
    assert reverse(URL) in page


def test_the_header_offers_become_a_customer_to_visitors_only(client, contact_client):
    assert reverse("accounts:become-customer") in client.get(reverse("home")).content.decode()
    assert reverse("accounts:become-customer") not in contact_client.get(reverse("home")).content.decode()


def test_the_form_starts_with_the_visitors_country(client):
    client.cookies[COOKIE_NAME] = "CO"
    form = client.get(reverse(URL)).context["form"]
    assert form["country"].value() == "CO"


def test_an_active_contact_gets_the_sign_in_page_and_forgot_password(client, contact):
    response = _post(client, contact.account, "CARLOS@acme.test")

    assert response.status_code == 302 and response.url == reverse("accounts:request-access-done")
    email = OutboundEmail.objects.get()
    assert email.to == "carlos@acme.test"
    assert "request for existing customer account" in email.subject
    assert reverse("account_login") in email.body_text and reverse("account_reset_password") in email.body_text
    assert contact.account.customer_code in email.body_text


def test_matching_and_not_matching_answer_the_same(client, contact):
    matching = _answer(client, _post(client, contact.account, "carlos@acme.test"))
    assert OutboundEmail.objects.count() == 1
    not_matching = _answer(client, _post(client, contact.account, "nobody@acme.test"))
    wrong_code = _answer(client, _post(client, contact.account, "carlos@acme.test", code="NOPE"))
    wrong_country = _answer(client, _post(client, contact.account, "carlos@acme.test", country="CO"))

    assert matching == not_matching == wrong_code == wrong_country
    assert OutboundEmail.objects.count() == 1


def test_a_contact_awaiting_activation_gets_a_fresh_activation_link(client, account):
    waiting = ContactFactory(
        account=account, state=Contact.State.AWAITING_ACTIVATION, user__email="nuevo@acme.test", user__first_name="Nora", user__last_name="Vega"
    )
    old = ContactLink.objects.create(contact=waiting, purpose=ContactLink.Purpose.ACTIVATE, token_hash="x" * 64, expires_at="2000-01-01T00:00Z")

    _post(client, account, "nuevo@acme.test", name="Nora Vega")

    subjects = sorted(OutboundEmail.objects.filter(to="nuevo@acme.test").values_list("subject", flat=True))
    assert subjects == ["WebStore: activate your user", "WebStore: your request for existing customer account"]
    old.refresh_from_db()
    assert old.used_at is not None
    fresh = ContactLink.objects.get(contact=waiting, purpose=ContactLink.Purpose.ACTIVATE, used_at__isnull=True)
    assert fresh.expires_at > old.expires_at
    assert waiting.events.filter(note="invitation sent again on Request Access").exists()


def test_a_contact_awaiting_confirmation_gets_the_confirm_link_again(client, account, admin_contact):
    waiting = ContactFactory(
        account=account, state=Contact.State.AWAITING_CONFIRMATION, user__email="nuevo@acme.test", user__first_name="Nora", user__last_name="Vega"
    )
    _post(client, account, "nuevo@acme.test", name="Nora")

    confirm = OutboundEmail.objects.get(to="nuevo@acme.test", body_text__contains="/account/confirm/")
    assert admin_contact.full_name in confirm.body_text
    assert ContactLink.objects.filter(contact=waiting, purpose=ContactLink.Purpose.CONFIRM).count() == 1


def test_an_inactive_contact_is_told_to_ask_its_administrator_who_is_notified(client, account, admin_contact):
    ContactFactory(account=account, state=Contact.State.INACTIVE, user__email="gone@acme.test", user__first_name="Gina", user__last_name="Ruiz")
    _post(client, account, "gone@acme.test", name="Gina Ruiz")

    to_contact = OutboundEmail.objects.get(to="gone@acme.test")
    assert "Ask your account administrator to reactivate it" in to_contact.body_text
    to_admin = OutboundEmail.objects.get(to=admin_contact.user.email)
    assert "Gina Ruiz (gone@acme.test) asked for access" in to_admin.body_text
    assert OutboundEmail.objects.count() == 2


@pytest.mark.parametrize("name", ["Carlos", "BERMUDEZ", "carlos bermudez", "  Carlos   Bermúdez ", "CÁRLOS", "bermúdez"])
def test_the_name_matches_the_first_last_or_full_name_ignoring_case_and_accents(client, contact, name):
    response = _post(client, contact.account, "carlos@acme.test", name=name)

    assert response.url == reverse("accounts:request-access-done")
    assert OutboundEmail.objects.get().to == "carlos@acme.test"


@pytest.mark.parametrize("name", ["José", "nunez", "Jose Nunez", "JOSÉ NÚÑEZ"])
def test_a_name_with_accents_matches_without_them_too(client, account, name):
    ContactFactory(account=account, user__email="jose@acme.test", user__first_name="José", user__last_name="Núñez")
    _post(client, account, "jose@acme.test", name=name)
    assert OutboundEmail.objects.filter(to="jose@acme.test").count() == 1


@pytest.mark.parametrize("name", ["Carl", "Bermudez Carlos", "Carlos B", "Carlos Bermudez Jr", "Someone Else", "."])
def test_another_name_does_not_match(client, contact, name):
    _post(client, contact.account, "carlos@acme.test", name=name)
    assert OutboundEmail.objects.count() == 0


def test_a_name_that_does_not_match_gets_the_same_answer(client, contact):
    matching = _answer(client, _post(client, contact.account, "carlos@acme.test"))
    wrong_name = _answer(client, _post(client, contact.account, "carlos@acme.test", name="Mallory"))

    assert matching == wrong_name
    assert OutboundEmail.objects.count() == 1


def test_a_contact_without_a_last_name_matches_on_its_first_name_only(client, account):
    ContactFactory(account=account, user__email="mono@acme.test", user__first_name="Xuxa", user__last_name="")
    _post(client, account, "mono@acme.test", name="xuxa")
    _post(client, account, "mono@acme.test", name=" ")
    assert OutboundEmail.objects.filter(to="mono@acme.test").count() == 1


def test_a_contact_of_another_account_does_not_match(client, account, other_contact):
    _post(client, account, other_contact.user.email)
    assert OutboundEmail.objects.count() == 0


def test_requests_are_throttled_per_email(client, contact):
    for _n in range(services.ACCESS_REQUESTS_PER_EMAIL_PER_HOUR):
        assert _post(client, contact.account, "carlos@acme.test").status_code == 302
    response = _post(client, contact.account, "Carlos@Acme.test")
    assert response.status_code == 200
    assert "Too many access requests were sent for this email" in response.content.decode()
    assert OutboundEmail.objects.count() == services.ACCESS_REQUESTS_PER_EMAIL_PER_HOUR
    # The throttle answers the same for an address that matches nothing.
    for _n in range(services.ACCESS_REQUESTS_PER_EMAIL_PER_HOUR):
        _post(client, contact.account, "nobody@acme.test", REMOTE_ADDR="10.0.0.2")
    assert "Too many access requests were sent for this email" in _post(client, contact.account, "nobody@acme.test", REMOTE_ADDR="10.0.0.2").content.decode()


def test_requests_are_throttled_per_ip(client, contact):
    for n in range(services.ACCESS_REQUESTS_PER_IP_PER_HOUR):
        assert _post(client, contact.account, f"someone{n}@acme.test").status_code == 302
    response = _post(client, contact.account, "carlos@acme.test")
    assert "Too many access requests were sent from your network" in response.content.decode()
    assert OutboundEmail.objects.count() == 0
    assert _post(client, contact.account, "carlos@acme.test", REMOTE_ADDR="10.1.1.1").status_code == 302
    assert OutboundEmail.objects.count() == 1


def test_bad_input_gets_its_message_on_the_form(client, account):
    response = client.post(reverse(URL), {"country": "XX", "customer_code": "", "email": "not-an-email", "name": ""})
    errors = response.context["form"].errors
    assert set(errors) == {"country", "customer_code", "email", "name"}
    assert OutboundEmail.objects.count() == 0
