"""The back office reads chats in the admin: searchable, with their messages, never edited or deleted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from storefront.chat import services
from storefront.chat.models import Side

pytestmark = pytest.mark.django_db


def test_the_admin_shows_a_chat_read_only_with_its_messages(back_office_client, back_office, contact_chat):
    services.chat_post(conversation=contact_chat, side=Side.AGENT, author=back_office, text="It ships tomorrow.")
    response = back_office_client.get(reverse("admin:chat_conversation_change", args=[contact_chat.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Where is my order?" in html and "It ships tomorrow." in html
    assert 'name="_save"' not in html and reverse("admin:chat_conversation_delete", args=[contact_chat.pk]) not in html
    assert back_office_client.post(reverse("admin:chat_conversation_delete", args=[contact_chat.pk]), {"post": "yes"}).status_code == 403
    assert back_office_client.get(reverse("admin:chat_conversation_add")).status_code == 403
    assert contact_chat.messages.count() == 2


def test_the_admin_finds_chats_by_name_account_or_message_text(back_office_client, contact_chat, visitor_chat):
    url = reverse("admin:chat_conversation_changelist")
    for term, found, missing in [
        ("Acme", contact_chat, visitor_chat),
        ("Lima", visitor_chat, contact_chat),
        ("vera@example.test", visitor_chat, contact_chat),
    ]:
        results = list(back_office_client.get(url, {"q": term}).context["cl"].result_list)
        assert found in results and missing not in results, term
