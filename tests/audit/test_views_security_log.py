"""Security log: an account administrator reads its own account's events, never another account's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from storefront.audit.models import SecurityEvent
from storefront.audit.services import security_event_record
from tests.accounts.factories import ContactFactory

Kind = SecurityEvent.Kind
URL = reverse("accounts:security-log")

pytestmark = pytest.mark.django_db


def test_the_administrator_sees_its_accounts_events_and_not_anothers(admin_contact_client, contact, other_contact, back_office):
    security_event_record(kind=Kind.SIGN_IN, actor=contact, detail={})
    security_event_record(kind=Kind.PRICE_LIST_EXPORTED, actor=other_contact)
    security_event_record(kind=Kind.SIGN_IN, actor=other_contact)

    page = admin_contact_client.get(URL).content.decode()

    assert "carlos" in page and 'data-event="sign_in"' in page
    assert "omar" not in page and 'data-event="price_list_exported"' not in page


def test_the_distributors_staff_is_shown_without_user_id_or_address(admin_contact_client, account, back_office, rf):
    request = rf.get("/", REMOTE_ADDR="10.9.8.7")
    security_event_record(kind=Kind.CREDIT_LIMIT_CHANGED, actor=back_office, account=account, request=request)

    page = admin_contact_client.get(URL).content.decode()

    assert 'data-event="credit_limit_changed"' in page and "Your distributor" in page
    assert "backoffice" not in page and "10.9.8.7" not in page


def test_an_ordinary_contact_is_refused(contact_client):
    assert contact_client.get(URL).status_code == 403


def test_the_page_is_in_spanish(admin_contact_client, contact):
    security_event_record(kind=Kind.SIGN_IN, actor=contact)
    page = admin_contact_client.get(URL, headers={"Accept-Language": "es"}).content.decode()
    assert "Registro de seguridad" in page and "inició sesión" in page


@pytest.mark.parametrize("size", [5, 60])
def test_the_log_runs_the_same_queries_for_5_and_60_events(admin_contact_client, admin_contact, size, django_assert_num_queries):
    others = ContactFactory.create_batch(3, account=admin_contact.account)
    for n in range(size):
        security_event_record(kind=Kind.SIGN_IN, actor=others[n % 3])
    # user with its contact and account, count, one page of events (each knowing if its actor is a contact)
    with django_assert_num_queries(3):
        response = admin_contact_client.get(URL)
    # (the administrator's own sign-in, by the client fixture, is one of them)
    assert response.content.decode().count("data-event=") == min(size + 1, 50)
