"""The rest of a contact's life in the audit trail: activation, a validated new email, the account's data."""

from __future__ import annotations

import pytest

from accounts import services
from storefront.audit.models import SecurityEvent
from storefront.models import OutboundEmail
from tests.accounts.test_services_contact import _change_email, _confirmed, _link_token, _validated_code

Kind = SecurityEvent.Kind

pytestmark = pytest.mark.django_db


def test_activation_is_recorded_as_the_contacts_own_act(admin_contact, django_capture_on_commit_callbacks):
    contact, token = _confirmed(admin_contact, django_capture_on_commit_callbacks)
    verification = _validated_code(token, contact)

    services.contact_activate(token=token, verification_id=verification.pk, password="Orchid-Lamp-77")

    (event,) = SecurityEvent.objects.filter(kind=Kind.CONTACT_ACTIVATED)
    assert (event.actor_id, event.account_id, event.detail["contact"]) == (contact.user_id, admin_contact.account_id, contact.pk)
    assert [e.kind for e in SecurityEvent.objects.order_by("id")] == [Kind.CONTACT_CREATED, Kind.CONTACT_ACTIVATED]


def test_a_validated_new_email_is_recorded_with_both_addresses(admin_contact, contact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _change_email(admin_contact, contact, "carlos.new@acme.test")
    services.contact_email_validate(token=_link_token(OutboundEmail.objects.get(to="carlos.new@acme.test")))

    (event,) = SecurityEvent.objects.filter(kind=Kind.EMAIL_CHANGED)
    assert (event.actor_id, event.account_id) == (contact.user_id, contact.account_id)
    assert (event.detail["before"], event.detail["after"]) == ("carlos@acme.test", "carlos.new@acme.test")


def test_the_accounts_own_data_changed_by_its_administrator_is_recorded(admin_contact):
    services.account_update_by_contact(contact=admin_contact, changes={"city": "Monterrey"})
    (event,) = SecurityEvent.objects.filter(kind=Kind.ACCOUNT_CHANGED)
    assert (event.actor_id, event.account_id, event.detail["fields"]) == (admin_contact.user_id, admin_contact.account_id, ["city"])
