"""The FAQ: grouped, published entries only, searchable in questions and answers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.help.factories import FaqEntryFactory, FaqGroupFactory

pytestmark = pytest.mark.django_db

FAQ = reverse("help:faq")


@pytest.fixture
def faq(db) -> dict:
    buying = FaqGroupFactory(name="Orders and quotes", position=2)
    access = FaqGroupFactory(name="Getting started", position=1)
    return {
        "cart": FaqEntryFactory(group=buying, question="How do I buy products?", answer="Click \"Add to cart\".\nThen \"Finish order\"."),
        "quote": FaqEntryFactory(group=buying, question="How do I make a quote?", answer="Use \"Add to quote\"."),
        "password": FaqEntryFactory(group=access, question="How do I change my password?", answer="Open MY ACCOUNT."),
        "draft": FaqEntryFactory(group=access, question="A draft question?", answer="Not yet.", published=False),
    }


def test_the_faq_lists_published_entries_by_group_in_order(client: Client, faq):
    page = client.get(FAQ).content.decode()

    assert page.index("Getting started") < page.index("Orders and quotes")
    assert page.index("How do I buy products?") < page.index("How do I make a quote?")
    assert "A draft question?" not in page
    assert "Click &quot;Add to cart&quot;.<br>Then &quot;Finish order&quot;." in page


def test_the_faq_search_finds_question_and_answer_text_whatever_the_case(client: Client, faq):
    by_question = client.get(FAQ, {"q": "PASSWORD"}).content.decode()
    by_answer = client.get(FAQ, {"q": "add to QUOTE"}).content.decode()

    assert "How do I change my password?" in by_question and "How do I buy products?" not in by_question
    assert "How do I make a quote?" in by_answer and "How do I change my password?" not in by_answer


def test_the_faq_search_never_shows_a_draft(client: Client, faq):
    page = client.get(FAQ, {"q": "draft"}).content.decode()

    assert "A draft question?" not in page
    assert "No question matches your search" in page


def test_the_faq_search_from_htmx_answers_the_results_alone(client: Client, faq):
    response = client.get(FAQ, {"q": "quote"}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="faq-results"') and "<html" not in page
    assert "How do I make a quote?" in page
    assert "HX-Request" in response["Vary"]


def test_an_over_long_search_is_refused_with_a_message_and_everything_listed(client: Client, faq):
    response = client.get(FAQ, {"q": "x" * 101})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters" in page
    assert "How do I buy products?" in page


@pytest.mark.parametrize("query", ["", "question"])
def test_the_faq_costs_the_same_queries_at_two_sizes(client: Client, django_assert_num_queries, query):
    for _ in range(2):
        FaqEntryFactory(group=FaqGroupFactory())
    with django_assert_num_queries(1):
        small = client.get(FAQ, {"q": query})
    for _ in range(10):
        group = FaqGroupFactory()
        FaqEntryFactory.create_batch(3, group=group)
    with django_assert_num_queries(1):
        large = client.get(FAQ, {"q": query})

    assert small.content.decode().count('class="faq-entry"') == 2
    assert large.content.decode().count('class="faq-entry"') == 32
