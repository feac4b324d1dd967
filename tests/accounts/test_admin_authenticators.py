"""Authenticators in the back office: listed and read without their secret, never added or changed, removed
(a contact's lost phone) by the back office or by the account's sales executive, each removal in the audit
trail; a sales executive sees only its accounts' authenticators."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from storefront.audit.models import SecurityEvent
from tests.accounts.factories import ContactFactory
from tests.accounts.test_views_two_step import with_totp

pytestmark = pytest.mark.django_db

LIST = reverse("admin:mfa_authenticator_changelist")


def _change(authenticator: Authenticator) -> str:
    return reverse("admin:mfa_authenticator_change", args=[authenticator.pk])


def _delete(authenticator: Authenticator) -> str:
    return reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])


def _totp(contact) -> tuple[Authenticator, str]:
    secret = with_totp(contact)
    return Authenticator.objects.get(user=contact.user, type=Authenticator.Type.TOTP), secret


@pytest.fixture
def office(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


@pytest.fixture
def sales(sales_executive) -> Client:
    sales_executive.user_permissions.add(*Permission.objects.filter(content_type__app_label="mfa", codename__in=["view_authenticator", "delete_authenticator"]))
    client = Client()
    client.force_login(sales_executive)
    return client


def _listed(response) -> set[int]:
    return {authenticator.pk for authenticator in response.context["cl"].result_list}


def test_an_authenticator_is_read_without_its_secret_and_cannot_be_changed_or_added(office, contact):
    authenticator, secret = _totp(contact)
    stored = authenticator.data["secret"]

    page = office.get(_change(authenticator))
    assert page.status_code == 200
    html = page.content.decode()
    assert "carlos" in html and "Acme Reseller" in html
    assert secret not in html and stored not in html and stored[len("enc1$") :][:20] not in html
    assert 'name="_save"' not in html and 'name="data"' not in html

    assert office.post(_change(authenticator), {"user": contact.user.pk, "type": "totp", "data": '{"secret": "AAAA"}'}).status_code == 403
    assert office.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    authenticator.refresh_from_db()
    assert authenticator.data["secret"] == stored


def test_the_list_shows_whose_authenticators_without_a_secret(office, contact, other_contact):
    ours, secret = _totp(contact)
    theirs, _ = _totp(other_contact)
    response = office.get(LIST)
    assert _listed(response) == {ours.pk, theirs.pk}
    html = response.content.decode()
    assert "Acme Reseller" in html and "Orbit IT" in html and secret not in html


def test_the_list_reads_the_same_number_of_queries_for_one_or_many_authenticators(office, account, contact):
    _totp(contact)
    office.get(LIST)  # warm the session and the content types

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office.get(LIST).status_code == 200
        return len(queries)

    one = count()
    for _ in range(4):
        with_totp(ContactFactory(account=account))
    assert count() == one


def test_a_sales_executive_sees_and_removes_only_its_accounts_authenticators(sales, sales_executive, contact, other_contact):
    ours, _ = _totp(contact)
    theirs, _ = _totp(other_contact)

    assert _listed(sales.get(LIST)) == {ours.pk}
    # Another account's: as if it did not exist
    assert sales.get(_change(theirs)).status_code == 302
    assert sales.post(_delete(theirs), {"post": "yes"}).status_code == 302
    assert sales.post(LIST, {"action": "delete_selected", "_selected_action": [theirs.pk], "post": "yes"}).status_code in (200, 302)
    assert Authenticator.objects.filter(pk=theirs.pk).exists()

    # Its own account's: removed, and the removal recorded
    assert sales.post(_delete(ours), {"post": "yes"}).status_code == 302
    assert not Authenticator.objects.filter(pk=ours.pk).exists()
    (event,) = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOTP_DISABLED)
    assert (event.actor_id, event.account_id, event.detail) == (sales_executive.pk, contact.account_id, {"user": "carlos", "by": "back office"})


def test_removing_several_from_the_list_records_each(office, back_office, contact, admin_contact, other_contact):
    removed = [_totp(c)[0].pk for c in (contact, admin_contact, other_contact)]
    response = office.post(LIST, {"action": "delete_selected", "_selected_action": removed, "post": "yes"})
    assert response.status_code == 302
    assert not Authenticator.objects.exists()
    events = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.TOTP_DISABLED)
    assert sorted((e.detail["user"], e.account_id, e.actor_id) for e in events) == sorted(
        [("carlos", contact.account_id, back_office.pk), ("ana", admin_contact.account_id, back_office.pk), ("omar", other_contact.account_id, back_office.pk)]
    )


def test_staff_without_the_permission_cannot_see_authenticators(sales_executive, contact):
    _totp(contact)
    client = Client()
    client.force_login(sales_executive)
    assert client.get(LIST).status_code == 403


def test_the_demo_sales_executive_may_remove_its_contacts_authenticators():
    # The store tells a contact who lost its phone to ask its sales executive.
    call_command("seed_demo", stdout=StringIO())
    sales = User.objects.get(username="sam.sales")
    assert sales.has_perms(["mfa.view_authenticator", "mfa.delete_authenticator"])
    assert not sales.has_perm("mfa.change_authenticator")
