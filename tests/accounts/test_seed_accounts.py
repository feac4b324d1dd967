"""seed_accounts writes resellers with two contacts each, buying from a list in their currency, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.management.commands.seed_accounts import SEED_PASSWORD
from accounts.models import Account, Contact
from catalog.models import PriceList

pytestmark = pytest.mark.django_db


def _seed(accounts: int, seed: int = 4) -> str:
    out = StringIO()
    call_command("seed_accounts", accounts=accounts, seed=seed, stdout=out)
    return out.getvalue()


def test_seed_creates_accounts_with_an_administrator_and_a_buyer_who_sign_in_with_the_seed_password():
    _seed(12)

    accounts = Account.objects.filter(customer_code__startswith="RS-")
    assert accounts.count() == 12
    contacts = Contact.objects.filter(account__in=accounts).select_related("user")
    assert contacts.count() == 24
    assert contacts.filter(is_admin=True).count() == 12
    assert all(c.state == Contact.State.ACTIVE and c.can_order and c.can_see_prices for c in contacts)
    assert contacts[0].user.check_password(SEED_PASSWORD)


def test_each_account_buys_from_a_list_in_its_currency_when_there_is_one():
    PriceList.objects.create(code="BASE-MXN", name="Base MXN", currency="MXN")
    PriceList.objects.create(code="BASE-COP", name="Base COP", currency="COP")

    _seed(40)

    for account in Account.objects.filter(customer_code__startswith="RS-").select_related("price_list"):
        assert account.price_list is None or account.price_list.currency == account.currency
    assert Account.objects.filter(country="MX", price_list__code="BASE-MXN").exists()


def test_a_second_run_adds_only_the_missing_accounts_and_keeps_the_others():
    _seed(5)
    first = dict(Account.objects.values_list("customer_code", "company_name"))

    out = _seed(8)

    assert Account.objects.filter(customer_code__startswith="RS-").count() == 8
    assert {code: name for code, name in Account.objects.values_list("customer_code", "company_name") if code in first} == first
    assert "Seeded 3 accounts" in out


def test_a_negative_count_is_refused():
    with pytest.raises(CommandError):
        _seed(-1)
