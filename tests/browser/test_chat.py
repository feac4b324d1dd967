"""Chat support: a contact and a staff member exchange messages, each seeing the other's within seconds."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.chat.conftest import grant_answer_permission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Both pages poll every two seconds: a message shows on the other side within this.
WITHIN_MS = 4_500


def _thread(page: Page):
    return page.get_by_role("list", name="Messages")


@pytest.fixture
def support_agent(db) -> User:
    """Staff who answer chats: not superusers, given the permission to answer them."""
    return grant_answer_permission(UserFactory(username="sara", first_name="Sara", last_name="Soto", is_staff=True))


def test_a_contact_and_staff_chat_each_seeing_the_others_messages_within_seconds(store, contact, support_agent, password):
    # A support agent opens the support console (no chat yet) and signs in on the way.
    staff = store.new_page()
    staff.goto(f"{store.base_url}/help/chat/console/")
    store.fill_sign_in(staff, "sara", password)
    expect(staff.get_by_role("heading", name="Support console")).to_be_visible()
    expect(staff.get_by_role("link", name="Support console")).to_be_visible()
    expect(staff.get_by_text("No chat is open.")).to_be_visible()

    # Carlos signs in and starts a chat: only his message is asked.
    carlos = store.start()
    store.sign_in(carlos, "carlos", password)
    carlos.goto(f"{store.base_url}/help/chat/")
    expect(carlos.get_by_role("heading", name="Chat support")).to_be_visible()
    expect(carlos.get_by_text("You chat as Carlos Bermudez (carlos@acme.test) of Acme Reseller.")).to_be_visible()
    expect(carlos.get_by_label(store.label("Name"))).to_have_count(0)
    carlos.get_by_label(store.label("How can we help you?")).fill("Is order 1001 shipped yet?")
    store.shot(carlos, "contact starts a chat")
    carlos.get_by_role("button", name="Start chat").click()
    expect(_thread(carlos)).to_contain_text("Is order 1001 shipped yet?")

    # The console's list shows the new chat by itself, with its account and one unread message.
    row = staff.get_by_role("row").filter(has_text="Carlos Bermudez")
    expect(row).to_be_visible(timeout=WITHIN_MS)
    expect(row).to_contain_text("Acme Reseller")
    expect(row.get_by_role("cell", name="1", exact=True)).to_be_visible()
    store.shot(staff, "console lists the chat")
    row.get_by_role("link", name="Carlos Bermudez").click()
    expect(_thread(staff)).to_contain_text("Is order 1001 shipped yet?")

    # Staff answer: their message shows at once, and on Carlos's page within seconds, as the agent.
    staff.get_by_label(store.label("Message")).fill("Yes, it left our warehouse this morning.")
    staff.get_by_role("button", name="Send").click()
    expect(_thread(staff).get_by_text("Yes, it left our warehouse this morning.")).to_have_count(1)
    expect(staff.get_by_label(store.label("Message"))).to_have_value("")
    reply = _thread(carlos).get_by_role("listitem").filter(has_text="Yes, it left our warehouse this morning.")
    expect(reply).to_be_visible(timeout=WITHIN_MS)
    expect(reply).to_contain_text("Sara Soto")
    expect(reply).to_contain_text("agent")

    # Carlos answers: it shows on the console within seconds, once.
    carlos.get_by_label(store.label("Message")).fill("Great, thank you!")
    carlos.get_by_role("button", name="Send").click()
    expect(_thread(carlos).get_by_text("Great, thank you!")).to_have_count(1)
    expect(_thread(staff).get_by_text("Great, thank you!")).to_be_visible(timeout=WITHIN_MS)
    store.shot(carlos, "contact sees the exchange")
    store.shot(staff, "staff sees the exchange")
    expect(_thread(staff).get_by_role("listitem")).to_have_count(3)
    expect(_thread(carlos).get_by_role("listitem")).to_have_count(3)

    # Carlos ends the chat; the console's page says so within seconds and offers no reply box.
    carlos.get_by_role("button", name="End chat").click()
    store.expect_message(carlos, "The chat has ended.")
    expect(carlos.get_by_role("link", name="Start a new chat")).to_be_visible()
    expect(staff.get_by_text("This chat ended on")).to_be_visible(timeout=WITHIN_MS)
    expect(staff.get_by_role("button", name="Send")).to_have_count(0)
    store.shot(staff, "chat ended")
