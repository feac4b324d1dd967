"""Chat fixtures: a visitor's browser with a chat it started, a contact's chat, and staff clients."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from storefront.chat import services
from storefront.chat.models import Conversation

HTMX = {"HX-Request": "true"}


def start_as_visitor(client: Client, *, name: str = "Vera Visitor", email: str = "vera@example.test", text: str = "Do you ship to Lima?") -> Conversation:
    """"Click to start chat" in that browser, as a visitor; the conversation it opened."""
    response = client.post(reverse("chat:start"), {"name": name, "email": email, "text": text})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Conversation.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


@pytest.fixture
def visitor_client(db) -> Client:
    return Client()


@pytest.fixture
def visitor_chat(visitor_client) -> Conversation:
    return start_as_visitor(visitor_client)


@pytest.fixture
def contact_chat(contact) -> Conversation:
    return services.chat_start(contact=contact, text="Where is my order?", country="MX")


@pytest.fixture
def staff_client(sales_executive) -> Client:
    client = Client()
    client.force_login(sales_executive)
    return client


@pytest.fixture
def back_office_client(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client
