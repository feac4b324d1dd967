"""Fixtures shared by the whole suite: the personas (an administrator and an ordinary contact of one
account, an administrator and a contact of another account, a sales executive, the back office) and a
small priced catalog."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.models import Contact, User
from tests.accounts.factories import PASSWORD, AccountFactory, ContactFactory, UserFactory
from catalog.services import availability_refresh
from tests.catalog.factories import (
    AvailabilityFactory,
    BrandFactory,
    CategoryFactory,
    PriceFactory,
    PriceListFactory,
    ProductFactory,
    StockFactory,
    SubcategoryFactory,
    WarehouseFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow by design; the suite hashes hundreds of passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache; each test starts with none spent.
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _audit_trail_flushable(request):
    """Lets a transactional test's flush empty the append-only audit trail.

    On SQLite the flush is a DELETE, which the trail's triggers refuse (on PostgreSQL it is a TRUNCATE,
    which they allow). Set up after the database fixture, so this runs before its flush.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool({"transactional_db", "live_server"} & set(request.fixturenames)) or bool(
        marker and marker.kwargs.get("transaction")
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from tests.audit.support import audit_trail_clear

    audit_trail_clear()


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
    return AccountFactory(company_name="Acme Reseller", sales_executive=sales_executive, credit_limit=Decimal("500000.00"))


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


# --- a small priced catalog: the same products, different prices for the two accounts ----------


@pytest.fixture
def price_lists(account, other_account):
    """Acme buys from a Gold list over its base list; Orbit from its own list in COP."""
    base = PriceListFactory(code="BASE-MXN", currency="MXN")
    gold = PriceListFactory(code="GOLD-MXN", currency="MXN", base=base)
    cop = PriceListFactory(code="BASE-COP", currency="COP")
    account.price_list = gold
    account.save(update_fields=["price_list"])
    other_account.price_list = cop
    other_account.save(update_fields=["price_list"])
    return {"base": base, "gold": gold, "cop": cop}


@pytest.fixture
def catalog(db, price_lists):
    """Computers › Notebooks (3 products, two brands) and Computers › Monitors (1 product)."""
    computers = CategoryFactory(name="Computers", slug="computers")
    notebooks = SubcategoryFactory(name="Notebooks", slug="notebooks", parent=computers, attribute_filters={"RAM": ["8 GB", "16 GB"]})
    monitors = SubcategoryFactory(name="Monitors", slug="monitors", parent=computers)
    lenovo = BrandFactory(name="Lenovo", slug="lenovo")
    dell = BrandFactory(name="Dell", slug="dell")
    products = {
        "thinkpad": ProductFactory(sku="NB-LEN-0001", mpn="21K0001", name="ThinkPad E14 Notebook", brand=lenovo, category=notebooks, attributes={"RAM": "16 GB"}),
        "ideapad": ProductFactory(sku="NB-LEN-0002", mpn="82X0002", name="IdeaPad Slim 3 Notebook", brand=lenovo, category=notebooks, attributes={"RAM": "8 GB"}),
        "latitude": ProductFactory(sku="NB-DEL-0003", mpn="LAT5440", name="Latitude 5440 Notebook", brand=dell, category=notebooks, attributes={"RAM": "16 GB"}),
        "monitor": ProductFactory(sku="MN-DEL-0004", mpn="P2425H", name="Dell 24 Monitor P2425H", brand=dell, category=monitors),
    }
    prices = {"thinkpad": "15000.00", "ideapad": "9000.00", "latitude": "21000.00", "monitor": "3500.00"}
    for key, amount in prices.items():
        PriceFactory(price_list=price_lists["base"], product=products[key], amount=Decimal(amount))
        PriceFactory(price_list=price_lists["cop"], product=products[key], amount=Decimal(amount) * 220)
    PriceFactory(price_list=price_lists["gold"], product=products["thinkpad"], amount=Decimal("14100.00"))
    AvailabilityFactory(product=products["thinkpad"], country="MX", quantity=12)
    AvailabilityFactory(product=products["ideapad"], country="MX", quantity=0, incoming_quantity=40, incoming_date="2026-12-10")
    AvailabilityFactory(product=products["latitude"], country="MX", quantity=3)
    AvailabilityFactory(product=products["thinkpad"], country="CO", quantity=0)
    return products


@pytest.fixture
def stocked(catalog):
    """Mexico City and Monterrey hold the notebooks; the monitor has 2 units in Mexico City."""
    mexico = WarehouseFactory(code="MX-CDMX", name="Mexico City", country="MX")
    monterrey = WarehouseFactory(code="MX-MTY", name="Monterrey", country="MX")
    StockFactory(product=catalog["thinkpad"], warehouse=mexico, quantity=8)
    StockFactory(product=catalog["thinkpad"], warehouse=monterrey, quantity=4)
    StockFactory(product=catalog["ideapad"], warehouse=mexico, quantity=0, incoming_quantity=40)
    StockFactory(product=catalog["latitude"], warehouse=monterrey, quantity=3)
    StockFactory(product=catalog["monitor"], warehouse=mexico, quantity=2)
    availability_refresh()
    return catalog


@pytest.fixture
def pdf_fetches(monkeypatch) -> list[tuple[str, bool]]:
    """Every URL a PDF render asks for, with whether the store's fetcher served it (storefront.pdf)."""
    from storefront import pdf

    fetcher = pdf._fetcher_class()
    original = fetcher.fetch
    seen: list[tuple[str, bool]] = []

    def spy(self, url: str, headers=None):
        try:
            response = original(self, url, headers)
        except pdf.PdfFetchRefused:
            seen.append((url, False))
            raise
        seen.append((url, True))
        return response

    monkeypatch.setattr(fetcher, "fetch", spy)
    return seen
