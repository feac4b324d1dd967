"""The rules of chat support: starting, writing, the limits, closing, what staff have read."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from storefront.chat import services
from storefront.chat.models import Conversation, Message, Side
from storefront.chat.services import MAX_MESSAGE_LENGTH, THROTTLE_MESSAGES, ChatError
from tests.chat.conftest import grant_answer_permission
from tests.chat.factories import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_starts_a_chat_with_its_name_email_country_and_first_message():
    conversation = services.chat_start(contact=None, name="  Vera   Visitor ", email="Vera@Example.test", text=" Hello ", country="CO")
    assert conversation.state == Conversation.State.OPEN
    assert (conversation.customer_name, conversation.customer_email, conversation.country) == ("Vera Visitor", "vera@example.test", "CO")
    assert conversation.contact is None and conversation.account is None
    assert conversation.waiting_since is not None
    message = conversation.messages.get()
    assert (message.side, message.author_name, message.text) == (Side.CUSTOMER, "Vera Visitor", "Hello")


def test_a_contact_starts_a_chat_as_itself_linked_to_its_account(contact):
    conversation = services.chat_start(contact=contact, name="Someone Else", email="else@example.test", text="Hi", country="US")
    assert conversation.contact == contact and conversation.account == contact.account
    assert (conversation.customer_name, conversation.customer_email) == ("Carlos Bermudez", "carlos@acme.test")
    # A contact chats from its account's country, whatever the visitor's choice said.
    assert conversation.country == contact.account.country == "MX"
    assert conversation.messages.get().author == contact.user


@pytest.mark.parametrize(
    ("name", "email", "text", "field", "says"),
    [
        ("", "vera@example.test", "Hi", "name", "Enter your name."),
        ("Vera", "not-an-email", "Hi", "email", "Enter a valid email address."),
        ("Vera", "vera@example.test", "   ", "text", "Write a message before sending it."),
        ("V" * 151, "vera@example.test", "Hi", "name", "at most 150 characters"),
    ],
)
def test_starting_a_chat_refuses_bad_input_with_its_field_and_saves_nothing(name, email, text, field, says):
    with pytest.raises(ChatError) as refused:
        services.chat_start(contact=None, name=name, email=email, text=text, country="MX")
    assert refused.value.field == field and says in refused.value.message
    assert not Conversation.objects.exists()


def test_a_chat_from_an_unknown_country_is_refused():
    with pytest.raises(ChatError, match="country"):
        services.chat_start(contact=None, name="Vera", email="vera@example.test", text="Hi", country="ZZ")


def test_a_message_of_the_maximum_length_is_accepted_and_one_more_character_is_refused_with_its_length():
    conversation = ConversationFactory()
    services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="a" * MAX_MESSAGE_LENGTH)
    with pytest.raises(ChatError) as refused:
        services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="a" * (MAX_MESSAGE_LENGTH + 1))
    assert refused.value.message == "A message can be at most 2,000 characters long; yours has 2,001."
    assert conversation.messages.count() == 1


def test_line_breaks_sent_by_a_browser_count_as_one_character():
    conversation = ConversationFactory()
    message = services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="ab\r\n" * 500)
    assert len(message.text) == 1499 and "\r" not in message.text


@pytest.mark.parametrize("text", ["", "   \n\t ", None, "\x00"])
def test_an_empty_message_is_refused(text):
    conversation = ConversationFactory()
    with pytest.raises(ChatError, match="Write a message before sending it."):
        services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text=text)
    assert not conversation.messages.exists()


def test_a_customer_message_starts_the_wait_and_the_agents_reply_ends_it_under_the_agents_name(support_agent):
    conversation = services.chat_start(contact=None, name="Vera", email="vera@example.test", text="Hi", country="MX")
    waiting = conversation.waiting_since
    services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="Anyone?")
    conversation.refresh_from_db()
    assert conversation.waiting_since == waiting  # still the first unanswered message
    support_agent.first_name, support_agent.last_name = "Sara", "Soto"
    support_agent.save()
    reply = services.chat_post(conversation=conversation, side=Side.AGENT, author=support_agent, text="Yes, hello")
    conversation.refresh_from_db()
    assert reply.author_name == "Sara Soto" and reply.side == Side.AGENT
    assert conversation.waiting_since is None
    assert conversation.staff_read_id == reply.pk
    assert conversation.last_message_at == reply.created_at


def test_only_active_staff_can_answer_as_the_agent(contact, support_agent):
    conversation = ConversationFactory()
    with pytest.raises(ChatError, match="support staff"):
        services.chat_post(conversation=conversation, side=Side.AGENT, author=contact.user, text="I am the agent")
    with pytest.raises(ChatError, match="support staff"):
        services.chat_post(conversation=conversation, side=Side.AGENT, author=None, text="Nobody")
    support_agent.is_active = False
    support_agent.save()
    with pytest.raises(ChatError, match="support staff"):
        services.chat_post(conversation=conversation, side=Side.AGENT, author=support_agent, text="Gone")
    assert not conversation.messages.exists()


def test_staff_without_the_permission_can_neither_answer_close_nor_mark_read(sales_executive):
    # Staff, sales executive of Acme Reseller: being staff is not the permission to answer chats.
    conversation = ConversationFactory(staff_read_id=0)
    MessageFactory(conversation=conversation)
    with pytest.raises(ChatError, match="support staff"):
        services.chat_post(conversation=conversation, side=Side.AGENT, author=sales_executive, text="I answer anyway")
    with pytest.raises(ChatError, match="support staff"):
        services.chat_close(conversation=conversation, side=Side.AGENT, actor=sales_executive)
    with pytest.raises(ChatError, match="support staff"):
        services.chat_mark_read(conversation=conversation, user=sales_executive, up_to_id=10**6)
    conversation.refresh_from_db()
    assert conversation.is_open and conversation.staff_read_id == 0 and conversation.messages.count() == 1


def test_a_staff_member_given_the_permission_answers_and_a_superuser_has_it_already(sales_executive, back_office):
    conversation = ConversationFactory()
    agent = grant_answer_permission(sales_executive)
    assert services.chat_post(conversation=conversation, side=Side.AGENT, author=agent, text="Now I may").author == agent
    assert services.chat_post(conversation=conversation, side=Side.AGENT, author=back_office, text="So may I").author == back_office


def test_the_message_after_the_limit_within_a_minute_is_refused_and_accepted_a_minute_later():
    conversation = ConversationFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(THROTTLE_MESSAGES):
            services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text=f"m{n}")
        with pytest.raises(ChatError) as refused:
            services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="one too many")
    assert refused.value.message.startswith("You are sending messages too fast: at most 30 a minute.")
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="later")
    assert conversation.messages.count() == THROTTLE_MESSAGES + 1


def test_the_limit_counts_each_side_apart(support_agent):
    conversation = ConversationFactory()
    with time_machine.travel(timezone.now(), tick=False):
        MessageFactory.create_batch(THROTTLE_MESSAGES, conversation=conversation, created_at=timezone.now())
        reply = services.chat_post(conversation=conversation, side=Side.AGENT, author=support_agent, text="Still here")
    assert reply.pk


def test_posting_to_a_closed_conversation_is_refused():
    conversation = ConversationFactory()
    services.chat_close(conversation=conversation, side=Side.CUSTOMER, actor=None)
    with pytest.raises(ChatError, match="This chat has ended"):
        services.chat_post(conversation=conversation, side=Side.CUSTOMER, author=None, text="Hello?")
    assert not conversation.messages.exists()


def test_a_stale_copy_of_an_open_conversation_cannot_post_after_it_was_closed(support_agent):
    conversation = ConversationFactory()
    stale = Conversation.objects.get(pk=conversation.pk)
    services.chat_close(conversation=conversation, side=Side.AGENT, actor=support_agent)
    with pytest.raises(ChatError, match="This chat has ended"):
        services.chat_post(conversation=stale, side=Side.CUSTOMER, author=None, text="Hello?")


def test_closing_records_who_and_when_keeps_the_conversation_and_refuses_a_second_close(support_agent):
    conversation = ConversationFactory(waiting_since=timezone.now())
    MessageFactory(conversation=conversation)
    closed = services.chat_close(conversation=conversation, side=Side.AGENT, actor=support_agent)
    assert closed.state == Conversation.State.CLOSED and closed.closed_at is not None
    assert (closed.closed_by, closed.closed_by_side, closed.waiting_since) == (support_agent, Side.AGENT, None)
    with pytest.raises(ChatError, match="already ended"):
        services.chat_close(conversation=conversation, side=Side.CUSTOMER, actor=None)
    assert Conversation.objects.filter(pk=conversation.pk).exists() and Message.objects.filter(conversation=conversation).count() == 1


def test_a_contact_cannot_close_as_the_agent(contact):
    conversation = ConversationFactory()
    with pytest.raises(ChatError, match="support staff"):
        services.chat_close(conversation=conversation, side=Side.AGENT, actor=contact.user)
    conversation.refresh_from_db()
    assert conversation.is_open


def test_what_staff_have_read_never_moves_backwards(support_agent):
    conversation = ConversationFactory(staff_read_id=10)
    services.chat_mark_read(conversation=conversation, user=support_agent, up_to_id=5)
    conversation.refresh_from_db()
    assert conversation.staff_read_id == 10
    services.chat_mark_read(conversation=conversation, user=support_agent, up_to_id=12)
    conversation.refresh_from_db()
    assert conversation.staff_read_id == 12


# --- starting: the limits per email and per address, control characters ---------------------------


def _start(email: str = "vera@example.test", ip: str | None = "203.0.113.7", name: str = "Vera") -> Conversation:
    return services.chat_start(contact=None, name=name, email=email, text="Hi", country="MX", client_ip=ip)


def test_a_fourth_chat_for_one_email_within_the_hour_is_refused_on_the_email_and_allowed_an_hour_later():
    with time_machine.travel("2030-01-01T10:00:00Z", tick=False) as traveller:
        for n in range(services.CHATS_PER_EMAIL_PER_HOUR):
            _start(ip=f"198.51.100.{n + 1}")
        with pytest.raises(ChatError) as refused:
            _start(email="Vera@Example.TEST", ip="192.0.2.1")
        assert refused.value.field == "email" and "3 chats were started with this email address" in refused.value.message
        traveller.shift(timedelta(minutes=61))
        _start(ip="192.0.2.1")
    assert Conversation.objects.count() == services.CHATS_PER_EMAIL_PER_HOUR + 1


def test_a_sixth_chat_from_one_address_is_refused_and_does_not_spend_that_emails_places():
    for n in range(services.CHATS_PER_IP_PER_HOUR):
        _start(email=f"p{n}@example.test")
    with pytest.raises(ChatError, match="Too many chats were started from your network") as refused:
        _start(email="vera@example.test")
    assert refused.value.field is None
    # Refused for the address only: vera@example.test still has all its places elsewhere.
    for n in range(services.CHATS_PER_EMAIL_PER_HOUR):
        _start(email="vera@example.test", ip=f"198.51.100.{n + 1}")
    assert Conversation.objects.count() == services.CHATS_PER_IP_PER_HOUR + services.CHATS_PER_EMAIL_PER_HOUR


def test_bad_input_does_not_spend_a_place():
    for _attempt in range(10):
        with pytest.raises(ChatError):
            services.chat_start(contact=None, name="", email="vera@example.test", text="Hi", country="MX", client_ip="203.0.113.7")
    for n in range(services.CHATS_PER_EMAIL_PER_HOUR):
        _start(email="vera@example.test", ip="203.0.113.7")


def test_a_contact_is_limited_per_email_but_not_by_its_offices_address(contact, admin_contact):
    for _attempt in range(services.CHATS_PER_EMAIL_PER_HOUR):
        conversation = services.chat_start(contact=contact, text="Hi", country="MX", client_ip="203.0.113.7")
        services.chat_close(conversation=conversation, side=Side.CUSTOMER, actor=contact.user)
    with pytest.raises(ChatError, match="3 chats were started with this email address"):
        services.chat_start(contact=contact, text="Hi", country="MX", client_ip="203.0.113.7")
    # A colleague behind the same address is not held up, past the limit of that address for visitors.
    for _attempt in range(services.CHATS_PER_EMAIL_PER_HOUR):
        conversation = services.chat_start(contact=admin_contact, text="Hi", country="MX", client_ip="203.0.113.7")
        services.chat_close(conversation=conversation, side=Side.CUSTOMER, actor=admin_contact.user)
    assert Conversation.objects.count() == 2 * services.CHATS_PER_EMAIL_PER_HOUR > services.CHATS_PER_IP_PER_HOUR


@pytest.mark.parametrize(
    ("name", "text", "field"),
    [
        ("Vera\x07", "Hi", "name"),
        ("Vera \u202e", "Hi", "name"),
        ("Vera", "Hi \x1b", "text"),
        ("Vera", "Hi \x7f", "text"),
        ("Vera", "Hi \x85 there", "text"),
        ("Vera", "\u2069Hi", "text"),
        ("Vera", "line\rreturn", "text"),
    ],
)
def test_control_and_bidi_characters_are_refused_with_their_field(name, text, field):
    with pytest.raises(ChatError, match="Remove the invisible control characters") as refused:
        services.chat_start(contact=None, name=name, email="vera@example.test", text=text, country="MX")
    assert refused.value.field == field and not Conversation.objects.exists()


def test_an_agents_reply_with_a_control_character_is_refused(support_agent):
    conversation = ConversationFactory()
    with pytest.raises(ChatError, match="Remove the invisible control characters"):
        services.chat_post(conversation=conversation, side=Side.AGENT, author=support_agent, text="Hello\x08")
    assert not conversation.messages.exists()
