"""The store's message storage reads and writes the cookie as Django's CookieStorage does, and makes its
signer only when there is a cookie to read or a message to write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.sessions.backends.cache import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from storefront.messages import MessageStorage, SignedCookieStorage


def _request(cookies: dict | None = None):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies or {})
    request.session = SessionStore()
    return request


def test_it_is_the_stores_storage(settings):
    assert settings.MESSAGE_STORAGE == "storefront.messages.MessageStorage"


def test_a_request_without_a_messages_cookie_makes_no_signer():
    request = _request()
    storage = MessageStorage(request)

    assert list(storage) == []
    storage.update(HttpResponse())
    assert "signer" not in vars(storage.storages[0])


def _cookie_written_by(storage_class, level: int, text: str) -> str:
    """The messages cookie a response carries after `storage_class` stored one message."""
    response = HttpResponse()
    storage = storage_class(_request())
    storage.add(level, text)
    storage.update(response)
    return response.cookies[CookieStorage.cookie_name].value


def test_a_message_written_is_read_back_by_django_s_cookie_storage_and_the_other_way():
    ours = _cookie_written_by(MessageStorage, messages.SUCCESS, "Added to cart")
    theirs = _cookie_written_by(CookieStorage, messages.WARNING, "Quote expired")

    assert [m.message for m in CookieStorage(_request({CookieStorage.cookie_name: ours}))] == ["Added to cart"]
    assert [m.message for m in MessageStorage(_request({CookieStorage.cookie_name: theirs}))] == ["Quote expired"]


def test_a_tampered_cookie_shows_no_message():
    value = _cookie_written_by(SignedCookieStorage, messages.INFO, "Order placed")
    tampered = value.replace("Order", "Order not", 1) if "Order" in value else value[:-2] + "xx"

    assert list(SignedCookieStorage(_request({CookieStorage.cookie_name: tampered}))) == []
