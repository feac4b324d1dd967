"""The two worlds the walker and the form checks use: Acme (ours) and Orbit (the other account)."""

from __future__ import annotations

import pytest
from django.test import Client

from storefront.events.models import Event
from tests.events.factories import EventFactory
from tests.security.seed import World, other_executive, seed_account


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def worlds(account, other_account, admin_contact, other_admin, sales_executive, catalog) -> tuple[World, World]:
    """(ours, theirs): every kind of object for each account, each acted on by a contact holding every permission."""
    ours = seed_account(account, me=admin_contact, executive=sales_executive, product=catalog["thinkpad"], tag="acme")
    theirs = seed_account(other_account, me=other_admin, executive=other_executive(), product=catalog["monitor"], tag="orbit")
    return ours, theirs


@pytest.fixture
def public_ids(catalog) -> dict[str, str]:
    """The objects that belong to no account: a product, its category and brand, an event."""
    product = catalog["thinkpad"]
    event: Event = EventFactory()
    return {
        "product": product.sku,
        "category": product.category.slug,
        "brand": product.brand.slug,
        "event": str(event.pk),
        "reset_uid": "1",
        "reset_key": "not-a-key",
        "signin_key": "1-not-a-key",
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
