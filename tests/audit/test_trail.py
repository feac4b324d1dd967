"""The security audit trail: each kind of event is recorded with who, which account, when and from which
address, and nothing (the model, the admin, raw SQL) can change or delete it afterwards."""

from __future__ import annotations

import re
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Account, Contact
from accounts.services import ContactData
from storefront.audit.models import AppendOnlyError, SecurityEvent
from storefront.audit.services import security_event_record
from tests.accounts.factories import PASSWORD
from tests.accounts.test_views_two_step import code_for, confirm_password, sign_in, with_totp, wrong_code

Kind = SecurityEvent.Kind
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=dt_timezone.utc)

pytestmark = pytest.mark.django_db


def _only(kind: str) -> SecurityEvent:
    events = list(SecurityEvent.objects.filter(kind=kind))
    assert len(events) == 1, [(e.kind, e.actor_name) for e in SecurityEvent.objects.all()]
    return events[0]


def _kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


# --- sign-in and its address ----------------------------------------------------------------------


def test_a_sign_in_records_who_which_account_when_and_the_connections_address(contact):
    with time_machine.travel(NOW, tick=False):
        response = sign_in(Client(REMOTE_ADDR="198.51.100.23"), "carlos")
    assert response.status_code == 302

    event = _only(Kind.SIGN_IN)
    assert (event.actor_id, event.actor_name, event.account_id) == (contact.user_id, "carlos", contact.account_id)
    assert (event.at, event.ip_address) == (NOW, "198.51.100.23")


def test_behind_the_load_balancer_the_address_is_the_clients_and_cannot_be_spoofed(settings, contact):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # The client adds its own X-Forwarded-For entry on the left; the balancer's, the rightmost, counts.
    client = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    sign_in(client, "carlos")
    assert _only(Kind.SIGN_IN).ip_address == "203.0.113.9"


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(settings, contact):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    sign_in(Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9"), "carlos")
    assert _only(Kind.SIGN_IN).ip_address == "10.0.0.5"


def test_a_wrong_password_records_a_failed_sign_in_of_that_user(contact):
    sign_in(Client(REMOTE_ADDR="203.0.113.50"), "carlos", "Wrong-Pass-1")

    event = _only(Kind.SIGN_IN_FAILED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "203.0.113.50")
    assert event.detail == {"step": "password", "known_user": True}
    assert not SecurityEvent.objects.filter(kind=Kind.SIGN_IN).exists()


def test_a_failed_sign_in_of_nobody_keeps_no_trace_of_what_was_typed(db):
    # A password typed in the user id box must not land in the trail.
    sign_in(Client(REMOTE_ADDR="203.0.113.51"), "Secret-Pass-99", "Wrong-Pass-1")

    event = _only(Kind.SIGN_IN_FAILED)
    assert (event.actor_id, event.account_id, event.actor_name) == (None, None, "")
    assert "Secret-Pass-99" not in str(event.detail) and "Wrong-Pass-1" not in str(event.detail)


def test_sign_out_is_recorded(contact_client, contact):
    contact_client.post(reverse("account_logout"), REMOTE_ADDR="192.0.2.8")
    event = _only(Kind.SIGN_OUT)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.8")


def test_the_back_offices_sign_in_is_recorded_without_an_account(back_office):
    client = Client(REMOTE_ADDR="192.0.2.9")
    client.post(reverse("admin:login"), {"username": "backoffice", "password": PASSWORD})
    event = _only(Kind.SIGN_IN)
    assert (event.actor_id, event.account_id, event.ip_address) == (back_office.pk, None, "192.0.2.9")


# --- passwords and authenticator ------------------------------------------------------------------


def test_a_password_change_is_recorded(contact_client, contact):
    contact_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Fresh-Start-42", "password2": "Fresh-Start-42"},
        REMOTE_ADDR="192.0.2.10",
    )
    event = _only(Kind.PASSWORD_CHANGED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.10")


def test_a_password_reset_is_recorded(client, contact):
    from storefront.models import OutboundEmail

    client.post(reverse("account_reset_password"), {"user_id": "carlos", "email": "carlos@acme.test"})
    link = re.search(r"https?://[^/\s]+(/auth/password/reset/key/\S+/)", OutboundEmail.objects.get().body_text).group(1)
    form_page = client.get(link, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    client.post(action, {"password1": "Fresh-Start-42", "password2": "Fresh-Start-42"}, REMOTE_ADDR="192.0.2.11")

    event = _only(Kind.PASSWORD_RESET)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.11")


def test_setting_up_and_removing_the_authenticator_app_are_recorded(client, contact, django_capture_on_commit_callbacks):
    sign_in(client, "carlos")
    client.get(reverse("mfa_activate_totp"))
    confirm_password(client)
    secret = re.search(r'<code id="totp-secret">(\w+)</code>', client.get(reverse("mfa_activate_totp")).content.decode()).group(1)
    # allauth announces the new authenticator once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)}, REMOTE_ADDR="192.0.2.12")

    added = _only(Kind.TOTP_ENABLED)
    assert (added.actor_id, added.account_id, added.ip_address) == (contact.user_id, contact.account_id, "192.0.2.12")

    client.post(reverse("mfa_deactivate_totp"), {}, REMOTE_ADDR="192.0.2.13")
    removed = _only(Kind.TOTP_DISABLED)
    assert (removed.actor_id, removed.account_id, removed.ip_address) == (contact.user_id, contact.account_id, "192.0.2.13")


def test_a_wrong_authenticator_code_is_a_failed_sign_in(client, contact):
    secret = with_totp(contact)
    sign_in(client, "carlos")
    client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)}, REMOTE_ADDR="192.0.2.14")

    event = _only(Kind.SIGN_IN_FAILED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.14")
    assert event.detail["step"] == "code"
    assert not SecurityEvent.objects.filter(kind=Kind.SIGN_IN).exists()


def test_the_accounts_authenticator_requirement_is_recorded(admin_contact_client, admin_contact):
    admin_contact_client.post(reverse("accounts:totp-requirement"), {"required": "on"}, REMOTE_ADDR="192.0.2.15")
    event = _only(Kind.TOTP_REQUIREMENT_CHANGED)
    assert (event.actor_id, event.account_id, event.ip_address) == (admin_contact.user_id, admin_contact.account_id, "192.0.2.15")
    assert event.detail["required"] is True


# --- contacts and their rights --------------------------------------------------------------------


def test_a_new_contact_is_recorded_with_its_rights(admin_contact_client, admin_contact):
    admin_contact_client.post(
        reverse("accounts:contact-create"),
        {"first_name": "Nora", "last_name": "Nuñez", "email": "nora@acme.test", "username": "", "position": "Buyer",
         "telephone": "+52 55 1234", "permissions": ["can_see_prices", "can_order"]},
        REMOTE_ADDR="192.0.2.20",
    )
    event = _only(Kind.CONTACT_CREATED)
    nora = Contact.objects.get(user__email="nora@acme.test")
    assert (event.actor_id, event.account_id, event.ip_address) == (admin_contact.user_id, admin_contact.account_id, "192.0.2.20")
    assert event.detail["contact"] == nora.pk
    assert event.detail["is_admin"] is False and event.detail["permissions"] == ["can_order", "can_see_prices"]


def test_a_change_of_rights_records_them_before_and_after(admin_contact, contact):
    before = sorted(n for n in Contact.PERMISSION_FIELDS if getattr(contact, n))
    account_services.contact_update(
        actor=admin_contact,
        contact=contact,
        data=ContactData(first_name="Carlos", last_name="Bermudez", email="carlos@acme.test", is_admin=True, permissions=frozenset({"can_see_prices"})),
    )
    event = _only(Kind.CONTACT_CHANGED)
    assert (event.actor_id, event.account_id) == (admin_contact.user_id, contact.account_id)
    assert event.detail["before"] == {"is_admin": False, "permissions": before}
    assert event.detail["after"] == {"is_admin": True, "permissions": ["can_see_prices"]}
    assert "is_admin" in event.detail["fields"] and "position" in event.detail["fields"]


def test_an_edit_that_changes_nothing_records_nothing(admin_contact, contact):
    contact.refresh_from_db()
    account_services.contact_update(
        actor=admin_contact,
        contact=contact,
        data=ContactData(
            first_name=contact.user.first_name, last_name=contact.user.last_name, email=contact.user.email,
            position=contact.position, telephone=contact.telephone, is_admin=contact.is_admin,
            permissions=frozenset(n for n in Contact.PERMISSION_FIELDS if getattr(contact, n)),
        ),
    )
    assert not SecurityEvent.objects.exists()


def test_deactivation_and_reactivation_are_recorded_with_the_address(admin_contact_client, admin_contact, contact):
    admin_contact_client.post(reverse("accounts:contact-deactivate", args=[contact.pk]), REMOTE_ADDR="192.0.2.21")
    admin_contact_client.post(reverse("accounts:contact-reactivate", args=[contact.pk]), REMOTE_ADDR="192.0.2.22")

    off, on = _only(Kind.CONTACT_DEACTIVATED), _only(Kind.CONTACT_REACTIVATED)
    assert (off.actor_id, off.account_id, off.ip_address, off.detail["contact"]) == (admin_contact.user_id, contact.account_id, "192.0.2.21", contact.pk)
    assert (on.actor_id, on.account_id, on.ip_address, on.detail["contact"]) == (admin_contact.user_id, contact.account_id, "192.0.2.22", contact.pk)


def test_a_refused_change_leaves_no_event(admin_contact):
    # An administrator cannot deactivate itself: the service raises, nothing is recorded.
    with pytest.raises(account_services.ContactError):
        account_services.contact_deactivate(actor=admin_contact, contact=admin_contact)
    assert not SecurityEvent.objects.exists()


def test_the_event_is_written_in_the_changes_transaction(admin_contact, contact):
    with pytest.raises(RuntimeError), transaction.atomic():
        account_services.contact_deactivate(actor=admin_contact, contact=contact)
        assert SecurityEvent.objects.filter(kind=Kind.CONTACT_DEACTIVATED).exists()
        raise RuntimeError("the change rolls back")
    assert not SecurityEvent.objects.exists()


def test_the_back_office_editing_a_contacts_rights_is_recorded(client, back_office, contact):
    client.force_login(back_office)
    url = reverse("admin:accounts_contact_change", args=[contact.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name not in ("user", "account")}
    data.update({name: "on" for name in Contact.PERMISSION_FIELDS if form.initial.get(name)})
    for name, value in list(data.items()):
        if value is False:
            del data[name]
    data["is_admin"] = "on"
    data.update({"events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})
    for prefix in _inline_prefixes(page):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data, REMOTE_ADDR="192.0.2.23")
    assert response.status_code == 302, response.content.decode()[-3000:]

    event = _only(Kind.CONTACT_CHANGED)
    assert (event.actor_id, event.account_id, event.ip_address) == (back_office.pk, contact.account_id, "192.0.2.23")
    assert event.detail["before"] == {"is_admin": False} and event.detail["after"] == {"is_admin": True}


def _inline_prefixes(page) -> list[str]:
    return [formset.formset.prefix for formset in page.context["inline_admin_formsets"]]


# --- credit ---------------------------------------------------------------------------------------


def test_a_credit_limit_change_in_the_back_office_records_before_and_after(client, back_office, account):
    client.force_login(back_office)
    url = reverse("admin:accounts_account_change", args=[account.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data = {name: value for name, value in data.items() if value is not False}
    data["blocked_fields"] = form.initial.get("blocked_fields") or []
    data["credit_limit"] = "750000.00"
    for prefix in _inline_prefixes(page):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data, REMOTE_ADDR="192.0.2.30")
    assert response.status_code == 302, response.content.decode()[-3000:]

    assert Account.objects.get(pk=account.pk).credit_limit == Decimal("750000.00")
    event = _only(Kind.CREDIT_LIMIT_CHANGED)
    assert (event.actor_id, event.account_id, event.ip_address) == (back_office.pk, account.pk, "192.0.2.30")
    assert event.detail == {"before": "500000.00", "after": "750000.00", "currency": account.currency}


# --- exports --------------------------------------------------------------------------------------


def test_a_price_list_download_is_recorded(contact_client, contact, catalog):
    response = contact_client.post(
        reverse("catalog:price-list-create"), {"scope": "category:notebooks", "query": "", "format": "csv"}, REMOTE_ADDR="192.0.2.40"
    )
    assert response.status_code == 200
    event = _only(Kind.PRICE_LIST_EXPORTED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.40")
    assert event.detail["scope"] == "category:notebooks" and event.detail["format"] == "csv"


def test_a_large_price_list_is_recorded_when_its_file_is_downloaded(contact_client, contact, catalog, settings, tmp_path, django_capture_on_commit_callbacks):
    from catalog.models import PriceListExport

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRICE_LIST_SYNC_MAX_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        contact_client.post(reverse("catalog:price-list-create"), {"scope": "category:notebooks", "query": "", "format": "xlsx"})
    export = PriceListExport.objects.get()
    assert not SecurityEvent.objects.filter(kind=Kind.PRICE_LIST_EXPORTED).exists()  # asked for, not yet handed out

    response = contact_client.get(reverse("catalog:price-list-download", args=[export.token]), REMOTE_ADDR="192.0.2.41")
    assert response.status_code == 200
    event = _only(Kind.PRICE_LIST_EXPORTED)
    assert (event.actor_id, event.account_id, event.ip_address) == (contact.user_id, contact.account_id, "192.0.2.41")
    assert event.detail["export"] == str(export.token) and event.detail["rows"] == 3


def test_a_refused_price_list_records_nothing(client, db):
    # A visitor asks for the account's prices: refused before anything leaves the store.
    client.post(reverse("catalog:price-list-create"), {"scope": "category:notebooks", "query": "", "format": "csv"})
    assert not SecurityEvent.objects.filter(kind=Kind.PRICE_LIST_EXPORTED).exists()


# --- append-only ----------------------------------------------------------------------------------


@pytest.fixture
def event(contact) -> SecurityEvent:
    return security_event_record(kind=Kind.SIGN_IN, actor=contact)


def test_recording_is_one_insert(contact, django_assert_num_queries):
    with django_assert_num_queries(1):
        security_event_record(kind=Kind.SIGN_IN, actor=contact, detail={"x": 1})


def test_a_users_account_is_found_inside_the_insert(contact, django_assert_num_queries):
    from accounts.models import User

    user = User.objects.get(pk=contact.user_id)  # loaded without its contact
    with django_assert_num_queries(1):
        event = security_event_record(kind=Kind.SIGN_IN, actor=user)
    assert event.account_id == contact.account_id


def test_an_event_cannot_be_saved_again_or_deleted_through_the_model(event):
    event.detail = {"rewritten": True}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert SecurityEvent.objects.get(pk=event.pk).detail == {}


def test_the_queryset_refuses_update_and_delete(event):
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).update(ip_address="127.0.0.1")
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.bulk_update([event], ["detail"])
    assert SecurityEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_securityevent SET ip_address = '127.0.0.1'",
        "UPDATE audit_securityevent SET kind = 'sign_out' WHERE id = %s",
        "DELETE FROM audit_securityevent WHERE id = %s",
        "DELETE FROM audit_securityevent",
    ],
)
def test_the_database_refuses_raw_updates_and_deletes(event, sql):
    params = [event.pk] if "%s" in sql else []
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
    assert SecurityEvent.objects.filter(pk=event.pk, kind=Kind.SIGN_IN, ip_address=None).exists()


def test_the_triggers_are_there():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_securityevent'")
            assert {row[0] for row in cursor.fetchall()} == {"audit_securityevent_no_update", "audit_securityevent_no_delete"}
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_securityevent'::regclass AND NOT tgisinternal")
            assert {row[0] for row in cursor.fetchall()} == {"audit_securityevent_append_only"}


def test_deleting_a_user_or_an_account_keeps_their_events(back_office, other_account):
    event = security_event_record(kind=Kind.CREDIT_LIMIT_CHANGED, actor=back_office, account=other_account)
    user_id, account_id = back_office.pk, other_account.pk
    other_account.delete()
    back_office.delete()

    kept = SecurityEvent.objects.get(pk=event.pk)
    assert (kept.actor_id, kept.actor_name, kept.account_id) == (user_id, "backoffice", account_id)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_can_still_empty_the_trail_afterwards(contact):
    # tests/conftest.py lifts the SQLite triggers for the runner's flush only; the store never can.
    security_event_record(kind=Kind.SIGN_IN, actor=contact)
    with pytest.raises(DatabaseError), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_securityevent")
    assert SecurityEvent.objects.count() == 1
