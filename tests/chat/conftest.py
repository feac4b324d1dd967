"""Chat fixtures: a visitor's browser with a chat it started, a contact's chat, a support agent (staff with
the permission to answer chats) and clients for it, for a sales executive without it and for the back office."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from accounts.models import User
from storefront.chat import services
from storefront.chat.models import Conversation
from tests.accounts.factories import UserFactory

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


def grant_answer_permission(user: User) -> User:
    """Give the user chat.answer_conversation; the user read afresh, so its permission cache is empty."""
    user.user_permissions.add(Permission.objects.get(content_type__app_label="chat", codename="answer_conversation"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def support_agent(db) -> User:
    """A staff member who answers chats: staff, with the permission, not a superuser."""
    return grant_answer_permission(UserFactory(username="agent", email="agent@distributor.test", is_staff=True))


@pytest.fixture
def staff_client(support_agent) -> Client:
    client = Client()
    client.force_login(support_agent)
    return client


@pytest.fixture
def sales_executive_client(sales_executive) -> Client:
    """Staff without the permission: the sales executive of Acme Reseller only."""
    client = Client()
    client.force_login(sales_executive)
    return client


@pytest.fixture
def back_office_client(back_office) -> Client:
    client = Client()
    client.force_login(back_office)
    return client
