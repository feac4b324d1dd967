"""The signed-in user, loaded on every request by accounts.backends with a query compiled once."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef

from accounts.backends import StoreAuthenticationBackend
from accounts.models import Contact, User
from orders import services as order_services
from storefront.prepared import PreparedQuery


def _as_loaded_by_the_orm(user_id: int) -> User | None:
    return (
        User.objects.select_related("contact__account__price_list")
        .annotate(
            cart_lines=Count("contact__cart__lines"),
            has_totp=Exists(Authenticator.objects.filter(user_id=OuterRef("pk"), type=Authenticator.Type.TOTP)),
        )
        .filter(pk=user_id)
        .first()
    )


def _fields(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k != "_state"}


def test_get_user_loads_contact_account_price_list_and_cart_count_in_one_query(contact, catalog, django_assert_num_queries):
    order_services.cart_add(contact=contact, product=catalog["thinkpad"], quantity=2)
    order_services.cart_add(contact=contact, product=catalog["monitor"], quantity=1)
    backend = StoreAuthenticationBackend()
    backend.get_user(contact.user_id)  # compiled here, once

    with django_assert_num_queries(1):
        user = backend.get_user(contact.user_id)
        price_list = user.contact.account.price_list

    expected = _as_loaded_by_the_orm(contact.user_id)
    assert user.cart_lines == 2
    assert _fields(user) == _fields(expected)
    assert _fields(user.contact) == _fields(expected.contact)
    assert _fields(user.contact.account) == _fields(expected.contact.account)
    assert _fields(price_list) == _fields(expected.contact.account.price_list)
    assert user._state.adding is False and user._state.db == "default"


def test_get_user_of_a_user_without_contact_has_no_contact(back_office):
    user = StoreAuthenticationBackend().get_user(back_office.pk)

    assert user == back_office
    assert user.cart_lines == 0
    with pytest.raises(User.contact.RelatedObjectDoesNotExist):
        user.contact  # noqa: B018 - the reverse one-to-one raises, as with select_related


def test_get_user_of_an_unknown_or_inactive_user_is_none(contact):
    backend = StoreAuthenticationBackend()
    assert backend.get_user(contact.user_id + 1000) is None
    assert backend.get_user(2**70) is None  # out of the column's range: no row, as the ORM answers

    User.objects.filter(pk=contact.user_id).update(is_active=False)

    assert backend.get_user(contact.user_id) is None


def test_get_user_sees_the_cart_as_it_is_now(contact, catalog):
    backend = StoreAuthenticationBackend()
    assert backend.get_user(contact.user_id).cart_lines == 0

    order_services.cart_add(contact=contact, product=catalog["thinkpad"], quantity=1)

    assert backend.get_user(contact.user_id).cart_lines == 1


def test_a_prepared_query_refuses_a_value_that_does_not_reach_the_sql_unchanged(db):
    prepared = PreparedQuery(lambda name: User.objects.filter(username__icontains=name), name=User._meta.get_field("username"))

    with pytest.raises(ValueError, match="'name' must appear once"):
        prepared.first(name="carlos")


def test_a_prepared_query_returns_every_row_as_the_queryset_does(contact, admin_contact, other_contact):
    def build(account_id):
        return Contact.objects.filter(account_id=account_id).select_related("user", "account").order_by("user__username")

    prepared = PreparedQuery(build, account_id=Contact._meta.get_field("account"))

    found = prepared.all(account_id=contact.account_id)

    assert [c.user.username for c in found] == ["ana", "carlos"]
    assert [_fields(c) for c in found] == [_fields(c) for c in build(contact.account_id)]
    assert [_fields(c.account) for c in found] == [_fields(c.account) for c in build(contact.account_id)]
    assert prepared.all(account_id=contact.account_id + 1000) == []
