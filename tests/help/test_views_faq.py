"""The FAQ: grouped, published entries only, searchable in questions and answers, in the reader's language."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from storefront.help.selectors import faq_sections
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


@pytest.fixture
def faq_es(db) -> dict:
    buying = FaqGroupFactory(language="es", name="Pedidos y cotizaciones", position=2)
    access = FaqGroupFactory(language="es", name="Primeros pasos", position=1)
    return {
        "cart": FaqEntryFactory(group=buying, question="¿Cómo compro productos?", answer="Haga clic en \"Agregar al carrito\"."),
        "password": FaqEntryFactory(group=access, question="¿Cómo cambio mi contraseña?", answer="Abra MI CUENTA."),
        "draft": FaqEntryFactory(group=access, question="¿Una pregunta en borrador?", answer="Todavía no.", published=False),
    }


def test_a_spanish_reader_reads_the_spanish_faq_and_not_the_english(spanish_client: Client, faq, faq_es):
    page = spanish_client.get(FAQ).content.decode()

    assert page.index("Primeros pasos") < page.index("Pedidos y cotizaciones")
    assert "¿Cómo compro productos?" in page and "¿Cómo cambio mi contraseña?" in page
    assert "How do I buy products?" not in page and "Getting started" not in page
    assert "¿Una pregunta en borrador?" not in page


def test_an_english_reader_never_reads_the_spanish_faq(client: Client, faq, faq_es):
    page = client.get(FAQ).content.decode()

    assert "How do I buy products?" in page and "¿Cómo compro productos?" not in page and "Primeros pasos" not in page


def test_a_spanish_reader_searches_the_spanish_questions_and_answers(spanish_client: Client, faq, faq_es):
    by_answer = spanish_client.get(FAQ, {"q": "agregar AL carrito"}).content.decode()
    in_english = spanish_client.get(FAQ, {"q": "password"}).content.decode()

    assert "¿Cómo compro productos?" in by_answer and "¿Cómo cambio mi contraseña?" not in by_answer
    assert "How do I buy products?" not in by_answer
    # Spanish has an FAQ, so a search it does not answer finds nothing rather than English questions.
    assert in_english.count('class="faq-entry"') == 0 and "How do I change my password?" not in in_english


def test_a_spanish_reader_reads_the_english_faq_while_there_is_none_in_spanish(spanish_client: Client, faq):
    FaqEntryFactory(group=FaqGroupFactory(language="es"), question="¿Solo un borrador?", published=False)

    page = spanish_client.get(FAQ).content.decode()
    found = spanish_client.get(FAQ, {"q": "password"}).content.decode()

    assert "How do I buy products?" in page and "¿Solo un borrador?" not in page
    assert "How do I change my password?" in found


def test_a_regional_variant_of_a_language_reads_that_languages_faq(faq, faq_es):
    assert [section.name for section in faq_sections(language="es-mx")] == ["Primeros pasos", "Pedidos y cotizaciones"]
    assert [section.name for section in faq_sections(language="fr")] == ["Getting started", "Orders and quotes"]


@pytest.mark.parametrize("query", ["", "question"])
@pytest.mark.parametrize(
    ("reader", "written_in"), [("en", "en"), ("es", "es"), ("es", "en")], ids=["english", "spanish", "spanish-falls-back"]
)
def test_the_faq_costs_the_same_queries_at_two_sizes(
    client: Client, django_assert_num_queries, settings, query, reader, written_in
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = reader
    for _ in range(2):
        FaqEntryFactory(group=FaqGroupFactory(language=written_in))
    with django_assert_num_queries(1):
        small = client.get(FAQ, {"q": query})
    for _ in range(10):
        group = FaqGroupFactory(language=written_in)
        FaqEntryFactory.create_batch(3, group=group)
    with django_assert_num_queries(1):
        large = client.get(FAQ, {"q": query})

    assert small.content.decode().count('class="faq-entry"') == 2
    assert large.content.decode().count('class="faq-entry"') == 32
