"""Chat support through the client: the customer's pages, who may see which chat, the limits, polling."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from storefront.chat import services
from storefront.chat.models import Conversation, Side
from storefront.chat.permissions import SESSION_KEY
from storefront.chat.services import THROTTLE_MESSAGES
from tests.chat.conftest import HTMX, start_as_visitor
from tests.chat.factories import MessageFactory

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="chat-message-(\d+)"', html)]


# --- starting a chat ---------------------------------------------------------------------------


def test_a_visitor_is_asked_its_name_email_and_message(visitor_client):
    page = visitor_client.get(reverse("chat:start")).content.decode()
    for label in ("Name", "Email", "How can we help you?", "Start chat"):
        assert label in page


def test_a_visitor_starts_a_chat_tied_to_its_session_in_the_country_it_chose(visitor_client):
    visitor_client.cookies["store_country"] = "CO"
    conversation = start_as_visitor(visitor_client, name="Vera Visitor", email="vera@example.test", text="Do you ship to Lima?")
    assert visitor_client.session[SESSION_KEY] == [conversation.pk]
    assert (conversation.customer_name, conversation.country, conversation.contact) == ("Vera Visitor", "CO", None)
    page = visitor_client.get(reverse("chat:conversation", args=[conversation.pk])).content.decode()
    assert "Do you ship to Lima?" in page and "Vera Visitor" in page
    assert 'hx-trigger="every 2s"' in page and "End chat" in page


def test_a_contact_only_writes_its_message_and_the_chat_is_linked_to_it_and_its_account(contact, contact_client):
    page = contact_client.get(reverse("chat:start")).content.decode()
    assert 'name="name"' not in page and 'name="email"' not in page
    assert "Carlos Bermudez" in page and "carlos@acme.test" in page and "Acme Reseller" in page
    response = contact_client.post(reverse("chat:start"), {"text": "Where is my order?"})
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("chat:conversation", args=[conversation.pk])
    assert (conversation.contact, conversation.account, conversation.customer_email) == (contact, contact.account, "carlos@acme.test")
    assert "Where is my order?" in contact_client.get(response["Location"]).content.decode()


def test_starting_a_chat_with_bad_input_shows_the_messages_and_keeps_what_was_typed(visitor_client):
    response = visitor_client.post(reverse("chat:start"), {"name": "", "email": "nope", "text": "Kept text"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required." in page and "Enter a valid email address." in page
    assert "Kept text" in page
    assert not Conversation.objects.exists()


def test_sixty_cookieless_clients_from_one_address_open_only_five_chats():
    url = reverse("chat:start")
    answers = []
    for n in range(60):
        # A fresh client each time: no session, so no "you have a chat open" to lead it back.
        response = Client(REMOTE_ADDR="203.0.113.7").post(url, {"name": f"Bot {n}", "email": f"bot{n}@spam.test", "text": "Buy now"})
        answers.append(response.status_code)
    assert answers[: services.CHATS_PER_IP_PER_HOUR] == [302] * services.CHATS_PER_IP_PER_HOUR
    assert set(answers[services.CHATS_PER_IP_PER_HOUR :]) == {200}
    assert Conversation.objects.count() == services.CHATS_PER_IP_PER_HOUR == 5
    # Another address is not held up by them.
    assert Client(REMOTE_ADDR="198.51.100.2").post(url, {"name": "Vera", "email": "vera@example.test", "text": "Hi"}).status_code == 302


def test_the_chat_refused_for_the_address_says_why_and_keeps_what_was_typed():
    url = reverse("chat:start")
    for n in range(services.CHATS_PER_IP_PER_HOUR):
        Client(REMOTE_ADDR="203.0.113.7").post(url, {"name": f"P{n}", "email": f"p{n}@example.test", "text": "Hi"})

    response = Client(REMOTE_ADDR="203.0.113.7").post(url, {"name": "Vera Visitor", "email": "vera@example.test", "text": "Kept question"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Too many chats were started from your network in the last hour. Please try again later." in page
    assert 'value="Vera Visitor"' in page and 'value="vera@example.test"' in page and "Kept question" in page


def test_starting_chats_is_limited_per_email_with_the_message_on_the_email():
    url = reverse("chat:start")
    for n in range(services.CHATS_PER_EMAIL_PER_HOUR):
        assert Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(url, {"name": "Vera", "email": "vera@example.test", "text": "Hi"}).status_code == 302

    response = Client(REMOTE_ADDR="192.0.2.50").post(url, {"name": "Vera", "email": "VERA@example.test", "text": "Once more"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "3 chats were started with this email address in the last hour. Continue one of them, or try again later."
    ]
    assert "Once more" in response.content.decode()
    assert Conversation.objects.count() == services.CHATS_PER_EMAIL_PER_HOUR


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "Vera\x07 Visitor"), ("name", "\u202eVera"), ("email", "vera\u2066@example.test"), ("text", "Hello\x1b[31m"), ("text", "Price \u202e0001")],
)
def test_starting_a_chat_refuses_control_and_bidi_characters_on_the_field_and_keeps_what_was_typed(visitor_client, field, value):
    data = {"name": "Vera Visitor", "email": "vera@example.test", "text": "Kept text", field: value}
    response = visitor_client.post(reverse("chat:start"), data)
    form = response.context["form"]
    assert response.status_code == 200 and list(form.errors) == [field]
    assert "Remove the invisible control characters from this field" in " ".join(form.errors[field])
    assert "Remove the invisible control characters from this field" in response.content.decode()
    assert form[field].value() == value and form["text"].value() == data["text"]
    assert not Conversation.objects.exists()


def test_start_chat_leads_back_to_the_chat_already_open(visitor_client, visitor_chat):
    response = visitor_client.get(reverse("chat:start"))
    assert response["Location"] == reverse("chat:conversation", args=[visitor_chat.pk])
    services.chat_close(conversation=visitor_chat, side=Side.CUSTOMER, actor=None)
    assert visitor_client.get(reverse("chat:start")).status_code == 200


def test_staff_on_the_start_page_are_sent_to_the_console(staff_client):
    assert staff_client.get(reverse("chat:start"))["Location"] == reverse("chat:console")


# --- who may see which chat -----------------------------------------------------------------------


def _customer_urls(pk: int) -> list[tuple[str, str, dict]]:
    return [
        ("get", reverse("chat:conversation", args=[pk]), {}),
        ("get", reverse("chat:messages", args=[pk]) + "?after=0", HTMX),
        ("post", reverse("chat:message-post", args=[pk]), HTMX),
        ("post", reverse("chat:end", args=[pk]), {}),
    ]


def test_another_visitors_session_cannot_read_poll_post_or_end_a_chat(visitor_chat):
    stranger = Client()
    start_as_visitor(stranger, name="Sam Stranger", email="sam@example.test")
    for method, url, headers in _customer_urls(visitor_chat.pk):
        response = getattr(stranger, method)(url, {"text": "let me in"} if method == "post" else None, headers=headers)
        assert response.status_code == 404, url
    visitor_chat.refresh_from_db()
    assert visitor_chat.is_open and visitor_chat.messages.count() == 1


def test_a_contact_cannot_open_another_contacts_chat_nor_a_visitors(contact_chat, visitor_chat, other_admin_client, contact_client):
    for pk in (contact_chat.pk, visitor_chat.pk):
        for method, url, headers in _customer_urls(pk):
            response = getattr(other_admin_client, method)(url, {"text": "peek"} if method == "post" else None, headers=headers)
            assert response.status_code == 404, url
    # Not even a contact of the same account may read a colleague's chat... nor a visitor a contact's.
    assert contact_client.get(reverse("chat:conversation", args=[visitor_chat.pk])).status_code == 404
    assert Client().get(reverse("chat:conversation", args=[contact_chat.pk])).status_code == 404


def test_a_colleague_of_the_same_account_cannot_open_a_contacts_chat(contact_chat, admin_contact_client):
    assert admin_contact_client.get(reverse("chat:conversation", args=[contact_chat.pk])).status_code == 404


def test_a_contact_finds_its_own_chat_from_any_browser(contact, contact_chat):
    browser = Client()
    browser.force_login(contact.user)
    assert browser.get(reverse("chat:conversation", args=[contact_chat.pk])).status_code == 200


def test_a_session_holding_garbage_opens_no_chat(visitor_client, visitor_chat):
    session = visitor_client.session
    session[SESSION_KEY] = "everything"
    session.save()
    assert visitor_client.get(reverse("chat:conversation", args=[visitor_chat.pk])).status_code == 404


# --- writing ----------------------------------------------------------------------------------------


def test_send_with_htmx_answers_with_the_new_message_and_an_empty_box(visitor_client, visitor_chat):
    first = visitor_chat.messages.get()
    response = visitor_client.post(
        reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "Second question", "after": first.pk}, headers=HTMX
    )
    html = response.content.decode()
    second = visitor_chat.messages.latest("pk")
    assert response.status_code == 200 and response["Vary"].count("HX-Request") == 1
    assert _ids(html) == [second.pk]
    assert 'hx-swap-oob="beforeend:#chat-messages"' in html
    assert f'?after={second.pk}"' in html
    assert 'id="chat-compose" class="chat-compose" hx-swap-oob="true"' in html
    assert "Second question" in html and "autofocus" in html
    assert re.search(r"<textarea[^>]*>\s*</textarea>", html)


def test_send_without_javascript_posts_and_returns_to_the_conversation(visitor_client, visitor_chat):
    response = visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "No JS here"})
    assert response.status_code == 302 and response["Location"] == reverse("chat:conversation", args=[visitor_chat.pk])
    assert visitor_chat.messages.latest("pk").text == "No JS here"


def test_messages_are_shown_escaped(visitor_client, visitor_chat):
    visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "<script>alert(1)</script>\nline two"})
    page = visitor_client.get(reverse("chat:conversation", args=[visitor_chat.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>line two" in page


@pytest.mark.parametrize("htmx", [True, False])
def test_an_empty_message_is_refused_with_a_message(visitor_client, visitor_chat, htmx):
    response = visitor_client.post(
        reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "   "}, headers=HTMX if htmx else {}
    )
    assert response.status_code == 200
    assert "Write a message before sending it." in response.content.decode()
    assert visitor_chat.messages.count() == 1


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize("text", ["ring \x07 ring", "c1 \x9b control", "isolate \u2068 here", "override \u202d"])
def test_a_message_with_control_or_bidi_characters_is_refused_and_kept_in_the_box(visitor_client, visitor_chat, htmx, text):
    response = visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": text}, headers=HTMX if htmx else {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Remove the invisible control characters from this field" in html
    assert text in html
    assert visitor_chat.messages.count() == 1


def test_a_message_keeps_its_line_breaks_and_tabs(visitor_client, visitor_chat):
    response = visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "Line one\r\n\tindented\nthree"})
    assert response.status_code == 302
    assert visitor_chat.messages.latest("pk").text == "Line one\n\tindented\nthree"


@pytest.mark.parametrize("htmx", [True, False])
def test_a_too_long_message_is_refused_with_its_length_and_kept_in_the_box(visitor_client, visitor_chat, htmx):
    text = "x" * 2500
    response = visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": text}, headers=HTMX if htmx else {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "A message can be at most 2,000 characters long; yours has 2,500." in html
    assert text in html
    assert visitor_chat.messages.count() == 1


def test_sending_too_fast_is_refused_with_a_clear_message(visitor_client, visitor_chat):
    with time_machine.travel(timezone.now(), tick=False):
        MessageFactory.create_batch(THROTTLE_MESSAGES, conversation=visitor_chat, created_at=timezone.now())
        response = visitor_client.post(reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "again"}, headers=HTMX)
    assert response.status_code == 200
    assert "You are sending messages too fast: at most 30 a minute." in response.content.decode()
    assert not visitor_chat.messages.filter(text="again").exists()


@pytest.mark.parametrize("htmx", [True, False])
def test_writing_to_a_closed_chat_is_refused_with_a_message(visitor_client, visitor_chat, htmx):
    services.chat_close(conversation=visitor_chat, side=Side.CUSTOMER, actor=None)
    response = visitor_client.post(
        reverse("chat:message-post", args=[visitor_chat.pk]), {"text": "Hello?"}, headers=HTMX if htmx else {}, follow=not htmx
    )
    html = response.content.decode()
    assert "This chat has ended: start a new chat to write to us again." in html
    assert "Start a new chat" in html and 'name="text"' not in html
    assert visitor_chat.messages.count() == 1


def test_end_chat_closes_the_conversation_and_keeps_it(visitor_client, visitor_chat):
    response = visitor_client.post(reverse("chat:end", args=[visitor_chat.pk]), follow=True)
    html = response.content.decode()
    visitor_chat.refresh_from_db()
    assert visitor_chat.state == Conversation.State.CLOSED and visitor_chat.closed_by_side == Side.CUSTOMER
    assert "The chat has ended." in html and "Do you ship to Lima?" in html
    assert 'hx-trigger="every 2s"' not in html
    again = visitor_client.post(reverse("chat:end", args=[visitor_chat.pk]), follow=True)
    assert "This chat has already ended." in again.content.decode()


def test_a_get_on_send_or_end_is_not_allowed(visitor_client, visitor_chat):
    assert visitor_client.get(reverse("chat:message-post", args=[visitor_chat.pk])).status_code == 405
    assert visitor_client.get(reverse("chat:end", args=[visitor_chat.pk])).status_code == 405


# --- polling ----------------------------------------------------------------------------------------


def test_polling_returns_only_the_messages_after_the_last_one_shown(visitor_client, visitor_chat, support_agent):
    first = visitor_chat.messages.get()
    reply = services.chat_post(conversation=visitor_chat, side=Side.AGENT, author=support_agent, text="Hello from support")
    response = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]), {"after": first.pk}, headers=HTMX)
    html = response.content.decode()
    assert _ids(html) == [reply.pk]
    assert "Hello from support" in html and "Do you ship to Lima?" not in html
    assert f'?after={reply.pk}"' in html and 'hx-trigger="every 2s"' in html
    assert 'hx-swap-oob="true"' not in html  # the message box the customer is typing in is left alone


def test_polling_with_nothing_new_answers_no_content(visitor_client, visitor_chat):
    last = visitor_chat.messages.get()
    response = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]), {"after": last.pk}, headers=HTMX)
    assert response.status_code == 204


@pytest.mark.parametrize("after", ["abc", "-1", "9" * 30, "1.5"])
def test_polling_with_a_bad_last_message_is_a_bad_request_not_an_error(visitor_client, visitor_chat, after):
    response = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]), {"after": after}, headers=HTMX)
    assert response.status_code == 400


def test_polling_without_htmx_goes_to_the_conversation(visitor_client, visitor_chat):
    response = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]))
    assert response["Location"] == reverse("chat:conversation", args=[visitor_chat.pk])


def test_polling_tells_the_customer_when_staff_closed_the_chat_and_stops(visitor_client, visitor_chat, support_agent):
    last = visitor_chat.messages.get()
    services.chat_close(conversation=visitor_chat, side=Side.AGENT, actor=support_agent)
    html = visitor_client.get(reverse("chat:messages", args=[visitor_chat.pk]), {"after": last.pk}, headers=HTMX).content.decode()
    assert "This chat ended on" in html and "Start a new chat" in html
    assert 'hx-swap-oob="true"' in html and "hx-trigger" not in html


@pytest.mark.parametrize("count", [1, 50])
def test_a_visitors_poll_costs_the_same_queries_with_1_or_50_new_messages(visitor_client, count, django_assert_num_queries):
    conversation = start_as_visitor(visitor_client)
    MessageFactory.create_batch(count - 1, conversation=conversation, side=Side.AGENT, author_name="Sara")
    url = reverse("chat:messages", args=[conversation.pk])
    # The conversation and its new messages (the session is read from the cache).
    with django_assert_num_queries(2):
        response = visitor_client.get(url, {"after": 0}, headers=HTMX)
    assert len(_ids(response.content.decode())) == count


@pytest.mark.parametrize("count", [1, 50])
def test_a_contacts_poll_costs_the_same_queries_with_1_or_50_new_messages(contact, contact_client, count, django_assert_num_queries):
    conversation = services.chat_start(contact=contact, text="Hi", country="MX")
    MessageFactory.create_batch(count - 1, conversation=conversation, side=Side.AGENT, author_name="Sara")
    url = reverse("chat:messages", args=[conversation.pk])
    # The user with its contact, the conversation, its new messages (the session is read from the cache).
    with django_assert_num_queries(3):
        response = contact_client.get(url, {"after": 0}, headers=HTMX)
    assert len(_ids(response.content.decode())) == count
