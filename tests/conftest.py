"""Personas shared by the whole suite: an administrator and an ordinary contact of one account, an
administrator and a contact of another account, a sales executive and the back office."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Contact, User
from tests.accounts.factories import PASSWORD, AccountFactory, ContactFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow by design; the suite hashes hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache; each test starts with none spent.
    cache.clear()
    yield


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def sales_executive(db) -> User:
    return UserFactory(username="sales", email="sales@distributor.test", is_staff=True)


@pytest.fixture
def back_office(db) -> User:
    return UserFactory(username="backoffice", email="backoffice@distributor.test", is_staff=True, is_superuser=True)


@pytest.fixture
def account(db, sales_executive):
    return AccountFactory(company_name="Acme Reseller", sales_executive=sales_executive)


@pytest.fixture
def other_account(db):
    return AccountFactory(company_name="Orbit IT", country="CO", currency="COP")


@pytest.fixture
def admin_contact(account) -> Contact:
    return ContactFactory(account=account, is_admin=True, user__first_name="Ana", user__last_name="Alvarez", user__email="ana@acme.test", user__username="ana")


@pytest.fixture
def contact(account) -> Contact:
    return ContactFactory(account=account, user__first_name="Carlos", user__last_name="Bermudez", user__email="carlos@acme.test", user__username="carlos")


@pytest.fixture
def other_admin(other_account) -> Contact:
    return ContactFactory(account=other_account, is_admin=True, user__first_name="Olga", user__last_name="Ortiz", user__email="olga@orbit.test", user__username="olga")


@pytest.fixture
def other_contact(other_account) -> Contact:
    return ContactFactory(account=other_account, user__first_name="Omar", user__last_name="Ospina", user__email="omar@orbit.test", user__username="omar")


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_contact_client(admin_contact) -> Client:
    return _client_for(admin_contact.user)


@pytest.fixture
def contact_client(contact) -> Client:
    return _client_for(contact.user)


@pytest.fixture
def other_admin_client(other_admin) -> Client:
    return _client_for(other_admin.user)
