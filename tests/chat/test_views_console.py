"""The support console: staff only, the open chats with who and how long they wait, replying, closing."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from storefront.chat import services
from storefront.chat.models import Conversation, Side
from tests.chat.conftest import HTMX, start_as_visitor
from tests.chat.factories import ConversationFactory, MessageFactory
from tests.chat.test_views_chat import _ids

pytestmark = pytest.mark.django_db


def _console_urls(pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", reverse("chat:console"), {}),
        ("get", reverse("chat:console-conversation", args=[pk]), {}),
        ("get", reverse("chat:console-messages", args=[pk]) + "?after=0", HTMX),
        ("post", reverse("chat:console-message-post", args=[pk]), HTMX),
        ("post", reverse("chat:console-close", args=[pk]), {}),
    ]


def test_the_console_is_403_for_a_contact(contact_client, contact_chat):
    for method, url, headers in _console_urls(contact_chat.pk):
        response = getattr(contact_client, method)(url, {"text": "I am staff"} if method == "post" else None, headers=headers)
        assert response.status_code == 403, url
    contact_chat.refresh_from_db()
    assert contact_chat.is_open and contact_chat.messages.count() == 1


def test_the_console_is_403_for_staff_without_the_permission_on_every_url(sales_executive_client, account, other_admin):
    # The sales executive of Acme Reseller only; the chat is of another account (Orbit IT).
    other_chat = services.chat_start(contact=other_admin, text="Our confidential order", country="CO")
    for method, url, headers in _console_urls(other_chat.pk):
        for hx in ({}, HTMX):
            response = getattr(sales_executive_client, method)(
                url, {"text": "I answer anyway", "after": 0} if method == "post" else None, headers={**headers, **hx}
            )
            assert response.status_code == 403, (method, url, hx)
            html = response.content.decode()
            assert "Olga" not in html and "Orbit IT" not in html and "Our confidential order" not in html
    other_chat.refresh_from_db()
    assert other_chat.is_open and other_chat.messages.count() == 1 and other_chat.staff_read_id == 0


def test_the_start_page_does_not_send_staff_without_the_permission_to_the_console(sales_executive_client):
    response = sales_executive_client.get(reverse("chat:start"))
    assert response.status_code == 200 and "Support console" not in response.content.decode()


def test_the_support_console_link_shows_only_to_staff_with_the_permission(staff_client, sales_executive_client, back_office_client):
    link = f'href="{reverse("chat:console")}"'
    assert link in staff_client.get(reverse("help:home")).content.decode()
    assert link in back_office_client.get(reverse("help:home")).content.decode()
    page = sales_executive_client.get(reverse("help:home")).content.decode()
    assert link not in page and "Support console" not in page
    assert "Sales console" in page  # still staff: the rest of the staff header is there


def test_a_superuser_answers_in_the_console_without_being_given_the_permission(back_office_client, back_office, visitor_chat):
    assert back_office_client.get(reverse("chat:console")).status_code == 200
    response = back_office_client.post(reverse("chat:console-message-post", args=[visitor_chat.pk]), {"text": "Superuser here"})
    assert response.status_code == 302
    assert visitor_chat.messages.get(side=Side.AGENT).author == back_office


def test_the_console_sends_a_visitor_to_sign_in(visitor_chat):
    for method, url, headers in _console_urls(visitor_chat.pk):
        response = getattr(Client(), method)(url, headers=headers)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login")), url


def test_the_console_lists_the_open_chats_newest_activity_first_with_who_country_wait_and_unread(staff_client, contact, back_office):
    start = timezone.now() - timedelta(minutes=10)
    with time_machine.travel(start, tick=False):
        visitor_chat = services.chat_start(contact=None, name="Vera Visitor", email="vera@example.test", text="Hi", country="CO")
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        contact_chat = services.chat_start(contact=contact, text="Order?", country="MX")
        services.chat_post(conversation=contact_chat, side=Side.CUSTOMER, author=contact.user, text="Hello?")
    with time_machine.travel(start + timedelta(minutes=3), tick=False):
        answered = services.chat_start(contact=None, name="Ann Answered", email="ann@example.test", text="Q", country="MX")
        services.chat_post(conversation=answered, side=Side.AGENT, author=back_office, text="A")
    closed = ConversationFactory(customer_name="Carl Closed", state=Conversation.State.CLOSED)

    rows = staff_client.get(reverse("chat:console")).context["conversations"]
    assert [row.pk for row in rows] == [answered.pk, contact_chat.pk, visitor_chat.pk]
    assert [row.unread for row in rows] == [0, 2, 1]
    html = staff_client.get(reverse("chat:console")).content.decode()
    assert "Carl Closed" not in html
    assert "Vera Visitor" in html and "vera@example.test" in html and "Colombia" in html and "Visitor" in html
    assert "Carlos Bermudez" in html and "Acme Reseller" in html and contact.account.customer_code in html
    assert (start + timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M") in html  # Carlos waits since his first message
    assert "Answered" in html
    assert 'hx-trigger="every 2s"' in html


def test_the_console_refreshes_only_its_list_and_new_chats_appear(staff_client):
    before = staff_client.get(reverse("chat:console"), headers=HTMX)
    assert "No chat is open." in before.content.decode()
    start_as_visitor(Client(), name="Nina New")
    after = staff_client.get(reverse("chat:console"), headers=HTMX)
    html = after.content.decode()
    assert html.lstrip().startswith('<section id="chat-console-list"') and "<html" not in html
    assert "Nina New" in html and after["Vary"].count("HX-Request") == 1


@pytest.mark.parametrize("count", [1, 20])
def test_the_console_list_costs_the_same_queries_with_1_or_20_chats(staff_client, account, count, django_assert_num_queries):
    for n in range(count):
        conversation = ConversationFactory(account=account if n % 2 else None)
        MessageFactory.create_batch(2, conversation=conversation)
    # The staff user, its permissions and its groups' (the session is read from the cache), the open chats
    # with their accounts and unread counts.
    with django_assert_num_queries(4):
        response = staff_client.get(reverse("chat:console"), headers=HTMX)
    assert response.content.decode().count("data-conversation=") == count


def test_staff_reply_reaches_the_customer_under_the_staff_members_name(staff_client, support_agent, visitor_client, visitor_chat):
    support_agent.first_name, support_agent.last_name = "Sara", "Soto"
    support_agent.save()
    first = visitor_chat.messages.get()
    response = staff_client.post(
        reverse("chat:console-message-post", args=[visitor_chat.pk]), {"text": "Yes, we ship to Lima.", "after": first.pk}, headers=HTMX
    )
    reply = visitor_chat.messages.latest("pk")
    assert response.status_code == 200 and _ids(response.content.decode()) == [reply.pk]
    assert (reply.side, reply.author, reply.author_name) == (Side.AGENT, support_agent, "Sara Soto")
    seen = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]), {"after": first.pk}, headers=HTMX).content.decode()
    assert "Yes, we ship to Lima." in seen and "Sara Soto" in seen and "agent" in seen


def test_staff_reply_without_javascript_returns_to_the_console_conversation(staff_client, visitor_chat):
    response = staff_client.post(reverse("chat:console-message-post", args=[visitor_chat.pk]), {"text": "Plain reply"})
    assert response["Location"] == reverse("chat:console-conversation", args=[visitor_chat.pk])
    assert visitor_chat.messages.filter(side=Side.AGENT, text="Plain reply").exists()


def test_opening_a_chat_in_the_console_shows_who_and_marks_its_messages_read(staff_client, contact, contact_chat):
    services.chat_post(conversation=contact_chat, side=Side.CUSTOMER, author=contact.user, text="<b>bold</b> question")
    html = staff_client.get(reverse("chat:console-conversation", args=[contact_chat.pk])).content.decode()
    assert "Carlos Bermudez" in html and "carlos@acme.test" in html and "Acme Reseller" in html and "Mexico" in html
    assert "&lt;b&gt;bold&lt;/b&gt; question" in html and "Close conversation" in html and "Send" in html
    assert staff_client.get(reverse("chat:console")).context["conversations"][0].unread == 0


def test_the_console_poll_brings_new_customer_messages_and_marks_them_read(staff_client, contact, contact_chat):
    first = contact_chat.messages.get()
    new = services.chat_post(conversation=contact_chat, side=Side.CUSTOMER, author=contact.user, text="Are you there?")
    html = staff_client.get(reverse("chat:console-messages", args=[contact_chat.pk]), {"after": first.pk}, headers=HTMX).content.decode()
    assert _ids(html) == [new.pk]
    contact_chat.refresh_from_db()
    assert contact_chat.staff_read_id == new.pk


@pytest.mark.parametrize("count", [1, 50])
def test_the_console_poll_costs_the_same_queries_with_1_or_50_new_messages(staff_client, count, django_assert_num_queries):
    conversation = ConversationFactory()
    MessageFactory.create_batch(count, conversation=conversation)
    # The staff user, its permissions and its groups' (the session is read from the cache), the conversation,
    # its new messages, the read mark.
    with django_assert_num_queries(6):
        response = staff_client.get(reverse("chat:console-messages", args=[conversation.pk]), {"after": 0}, headers=HTMX)
    assert len(_ids(response.content.decode())) == count


def test_close_conversation_keeps_it_and_takes_it_off_the_list(staff_client, support_agent, visitor_client, visitor_chat):
    response = staff_client.post(reverse("chat:console-close", args=[visitor_chat.pk]), follow=True)
    assert f"Conversation #{visitor_chat.pk} is closed." in response.content.decode()
    visitor_chat.refresh_from_db()
    assert (visitor_chat.state, visitor_chat.closed_by, visitor_chat.closed_by_side) == (Conversation.State.CLOSED, support_agent, Side.AGENT)
    assert "Vera Visitor" not in staff_client.get(reverse("chat:console")).content.decode()
    # Still there to read, for staff and for the customer.
    assert "Do you ship to Lima?" in staff_client.get(reverse("chat:console-conversation", args=[visitor_chat.pk])).content.decode()
    assert "Do you ship to Lima?" in visitor_client.get(reverse("chat:conversation", args=[visitor_chat.pk])).content.decode()
    again = staff_client.post(reverse("chat:console-close", args=[visitor_chat.pk]), follow=True)
    assert "This chat has already ended." in again.content.decode()


def test_staff_cannot_reply_to_a_closed_chat(staff_client, visitor_chat):
    services.chat_close(conversation=visitor_chat, side=Side.CUSTOMER, actor=None)
    response = staff_client.post(reverse("chat:console-message-post", args=[visitor_chat.pk]), {"text": "Late"}, headers=HTMX)
    assert "This chat has ended" in response.content.decode()
    assert not visitor_chat.messages.filter(text="Late").exists()


def test_a_conversation_that_does_not_exist_is_404_in_the_console(staff_client):
    assert staff_client.get(reverse("chat:console-conversation", args=[999999])).status_code == 404
