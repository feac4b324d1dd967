"""'Questions or Concerns': saved, emailed to support and acknowledged; bad input and abuse refused."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from storefront.country import COOKIE_NAME
from storefront.help import services
from storefront.help.models import Inquiry
from storefront.models import OutboundEmail

pytestmark = pytest.mark.django_db

QUESTIONS = reverse("help:questions")


def _data(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Lucia",
        "last_name": "Lopez",
        "company_name": "Lopez Computo",
        "email": "lucia@lopez.test",
        "phone": "+52 55 1234 5678",
        "fax": "",
        "address": "Av. Reforma 10",
        "country": "MX",
        "comment": "Do you ship to Monterrey?\nWe buy notebooks every month.",
    }
    data.update(overrides)
    return data


def test_a_visitor_sees_the_form_with_the_chosen_country(client: Client):
    client.cookies[COOKIE_NAME] = "CL"

    page = client.get(QUESTIONS).content.decode()

    for label in ("First Name", "Last Name", "Company name", "Email", "Phone", "Fax", "Address", "Comment"):
        assert label in page
    assert '<option value="CL" selected>' in page


def test_a_signed_in_contact_finds_its_names_email_company_and_country_filled_in(contact_client: Client, contact):
    page = contact_client.get(QUESTIONS).content.decode()

    assert 'value="Carlos"' in page and 'value="Bermudez"' in page and 'value="carlos@acme.test"' in page
    assert f'value="{contact.account.company_name}"' in page
    assert f'<option value="{contact.account.country}" selected>' in page


def test_a_question_is_saved_then_emailed_to_support_and_acknowledged_after_commit(
    client: Client, settings, django_capture_on_commit_callbacks
):
    settings.STORE_SUPPORT_EMAIL = "help-desk@store.test"

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(QUESTIONS, _data())

    assert response.status_code == 302 and response.url == reverse("help:home")
    inquiry = Inquiry.objects.get()
    assert (inquiry.first_name, inquiry.email, inquiry.country, inquiry.contact) == ("Lucia", "lucia@lopez.test", "MX", None)
    assert inquiry.comment == "Do you ship to Monterrey?\nWe buy notebooks every month."
    assert inquiry.client_ip == "127.0.0.1"
    to_support = OutboundEmail.objects.get(to="help-desk@store.test")
    acknowledgement = OutboundEmail.objects.get(to="lucia@lopez.test")
    assert "Lucia Lopez" in to_support.subject and "Do you ship to Monterrey?" in to_support.body_text
    assert "Lopez Computo" in to_support.body_text and "Not signed in." in to_support.body_text
    assert "we received your question" in acknowledgement.subject
    # Delivery is queued only once the transaction commits: one task per email.
    assert len(callbacks) == 2
    assert "we received your message" in client.get(reverse("help:home")).content.decode()


def test_a_phone_and_fax_written_as_the_help_pages_write_them_are_accepted(client: Client):
    response = client.post(QUESTIONS, _data(phone="(305) 477.6230", fax="+1 305-477-5694"))

    assert response.status_code == 302
    assert Inquiry.objects.get().phone == "(305) 477.6230"


def test_a_question_from_a_contact_is_linked_to_it_and_names_its_customer_code(contact_client: Client, contact, settings):
    contact_client.post(QUESTIONS, _data(email="carlos@acme.test"))

    inquiry = Inquiry.objects.get()
    assert inquiry.contact == contact
    assert contact.account.customer_code in OutboundEmail.objects.get(to=settings.STORE_SUPPORT_EMAIL).body_text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "lucia-at-lopez", "Enter a valid email address."),
        ("first_name", "", "This field is required."),
        ("last_name", "  ", "This field is required."),
        ("phone", "", "This field is required."),
        ("comment", "", "This field is required."),
        ("phone", "call me maybe", "Enter a phone number"),
        ("fax", "fax-me", "Enter a phone number"),
        ("country", "ZZ", "Select a valid choice."),
        ("comment", "x" * 4001, "Ensure this value has at most 4000 characters"),
        ("address", "x" * 256, "Ensure this value has at most 255 characters"),
        ("first_name", "Lucia\r\nBcc: victim@example.test", "Remove the control characters"),
        ("company_name", "Lopez\x07Computo", "Remove the control characters"),
        ("comment", "Hello\x1b[31m", "Remove the control characters"),
    ],
)
def test_bad_input_is_refused_on_the_same_page_with_what_was_typed_kept(client: Client, field, value, message):
    data = _data(**{field: value})

    response = client.post(QUESTIONS, data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Lopez Computo"' in page or field == "company_name"
    assert "We buy notebooks every month." in page or field == "comment"
    assert not Inquiry.objects.exists() and not OutboundEmail.objects.exists()


def test_a_sixth_question_from_one_email_in_an_hour_is_refused_with_what_was_typed_kept(client: Client):
    with time_machine.travel("2026-03-02 10:00", tick=False) as clock:
        for n in range(services.INQUIRIES_PER_EMAIL_PER_HOUR):
            assert client.post(QUESTIONS, _data(comment=f"Question {n}")).status_code == 302

        refused = client.post(QUESTIONS, _data(comment="One question too many"))

        page = refused.content.decode()
        assert refused.status_code == 429
        assert "You have sent 5 questions from this email address in the last hour" in page
        assert "One question too many" in page and 'value="lucia@lopez.test"' in page
        assert Inquiry.objects.count() == 5
        assert client.post(QUESTIONS, _data(email="other@lopez.test")).status_code == 302

        clock.shift(3601)
        assert client.post(QUESTIONS, _data(comment="An hour later")).status_code == 302
    assert Inquiry.objects.count() == 7


def test_the_same_email_in_other_case_counts_as_one_address(client: Client):
    for n in range(services.INQUIRIES_PER_EMAIL_PER_HOUR):
        assert client.post(QUESTIONS, _data(email="Lucia@Lopez.test" if n % 2 else "lucia@lopez.test")).status_code == 302

    assert client.post(QUESTIONS, _data(email="LUCIA@LOPEZ.TEST")).status_code == 429


def test_a_twenty_first_question_from_one_ip_in_an_hour_is_refused_whatever_the_email(client: Client):
    for n in range(services.INQUIRIES_PER_IP_PER_HOUR):
        assert client.post(QUESTIONS, _data(email=f"person{n}@lopez.test")).status_code == 302

    refused = client.post(QUESTIONS, _data(email="newcomer@lopez.test"))

    assert refused.status_code == 429
    assert "Too many questions were sent from your network in the last hour" in refused.content.decode()
    assert Inquiry.objects.count() == services.INQUIRIES_PER_IP_PER_HOUR
    other_network = client.post(QUESTIONS, _data(email="newcomer@lopez.test"), REMOTE_ADDR="203.0.113.9")
    assert other_network.status_code == 302


def test_a_question_refused_for_the_ip_does_not_count_against_the_email(client: Client, monkeypatch):
    monkeypatch.setattr(services, "INQUIRIES_PER_IP_PER_HOUR", 1)
    client.post(QUESTIONS, _data(email="first@lopez.test"))
    for _ in range(services.INQUIRIES_PER_EMAIL_PER_HOUR):
        assert client.post(QUESTIONS, _data()).status_code == 429

    assert client.post(QUESTIONS, _data(), REMOTE_ADDR="203.0.113.9").status_code == 302
