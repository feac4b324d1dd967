from __future__ import annotations

import factory

from storefront.chat.models import Conversation, Message, Side


class ConversationFactory(factory.django.DjangoModelFactory):
    """A visitor's open conversation (no contact, no account)."""

    class Meta:
        model = Conversation

    customer_name = factory.Sequence(lambda n: f"Visitor {n}")
    customer_email = factory.Sequence(lambda n: f"visitor{n}@example.test")
    country = "MX"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    side = Side.CUSTOMER
    author_name = factory.LazyAttribute(lambda message: message.conversation.customer_name)
    text = factory.Sequence(lambda n: f"Message number {n}")
