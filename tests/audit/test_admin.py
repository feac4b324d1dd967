"""The back office reads the audit trail in the admin: filters and search, and no way to add, change or
delete an event."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from storefront.audit.models import SecurityEvent
from storefront.audit.services import security_event_record
from tests.accounts.factories import UserFactory

Kind = SecurityEvent.Kind
LIST = reverse("admin:audit_securityevent_changelist")

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(contact, other_contact, back_office):
    return {
        "ours": security_event_record(kind=Kind.SIGN_IN, actor=contact, detail={"path": "/auth/login/"}),
        "theirs": security_event_record(kind=Kind.PRICE_LIST_EXPORTED, actor=other_contact),
        "staff": security_event_record(kind=Kind.CREDIT_LIMIT_CHANGED, actor=back_office, account=contact.account),
    }


@pytest.fixture
def office(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client


def _listed(response) -> set[int]:
    return {event.pk for event in response.context["cl"].result_list}


def test_the_trail_lists_every_event_with_its_filters(office, events, account):
    response = office.get(LIST)
    assert response.status_code == 200
    assert {e.pk for e in events.values()} <= _listed(response)

    assert _listed(office.get(LIST, {"kind": Kind.PRICE_LIST_EXPORTED})) == {events["theirs"].pk}
    assert _listed(office.get(LIST, {"account__id__exact": account.pk})) == {events["ours"].pk, events["staff"].pk}
    assert _listed(office.get(LIST, {"q": "carlos"})) == {events["ours"].pk}
    day = events["ours"].at.date()
    assert events["ours"].pk in _listed(office.get(LIST, {"at__year": day.year, "at__month": day.month, "at__day": day.day}))


def test_an_event_can_be_read_but_not_added_changed_or_deleted(office, events):
    event = events["ours"]
    change = reverse("admin:audit_securityevent_change", args=[event.pk])

    assert office.get(reverse("admin:audit_securityevent_add")).status_code == 403
    page = office.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert office.post(change, {"kind": Kind.SIGN_OUT, "detail": "{}"}).status_code == 403
    assert office.post(reverse("admin:audit_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code == 403
    bulk = office.post(LIST, {"action": "delete_selected", "_selected_action": [event.pk]})
    assert bulk.status_code in (200, 302)

    assert SecurityEvent.objects.get(pk=event.pk).kind == Kind.SIGN_IN
    assert SecurityEvent.objects.filter(pk__in=[e.pk for e in events.values()]).count() == 3


def test_a_sales_executive_sees_only_its_accounts_events(sales_executive, events):
    sales_executive.user_permissions.add(Permission.objects.get(codename="view_securityevent"))
    client = Client()
    client.force_login(sales_executive)
    listed = _listed(client.get(LIST))
    assert events["ours"].pk in listed and events["staff"].pk in listed
    assert events["theirs"].pk not in listed
    assert client.get(reverse("admin:audit_securityevent_change", args=[events["theirs"].pk])).status_code == 302


def test_staff_without_the_permission_cannot_read_the_trail(events):
    clerk = UserFactory(username="clerk", is_staff=True)
    client = Client()
    client.force_login(clerk)
    assert client.get(LIST).status_code == 403


def test_the_back_office_removing_a_contacts_authenticator_is_recorded(office, back_office, contact):
    from tests.accounts.test_views_two_step import with_totp
    from allauth.mfa.models import Authenticator

    with_totp(contact)
    totp = Authenticator.objects.get(user=contact.user, type=Authenticator.Type.TOTP)
    response = office.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"}, REMOTE_ADDR="192.0.2.90")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(pk=totp.pk).exists()

    (event,) = SecurityEvent.objects.filter(kind=Kind.TOTP_DISABLED)
    assert (event.actor_id, event.account_id, event.ip_address) == (back_office.pk, contact.account_id, "192.0.2.90")
    assert event.detail == {"user": "carlos", "by": "back office"}
