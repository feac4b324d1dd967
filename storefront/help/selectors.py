"""Reads of the help centre: public data, each page's in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Case, Count, Exists, Q, QuerySet, Value, When
from django.utils.translation import get_supported_language_variant

from rma.models import ServiceCentre
from storefront.help.models import FaqEntry, FaqGroup, Location, NewFeature


@dataclass
class FaqSection:
    """One FAQ group as the page shows it: its name and its published entries."""

    group_id: int
    name: str
    entries: list[FaqEntry] = field(default_factory=list)


def _supported_language(language: str | None) -> str:
    # "es-mx" reads the "es" FAQ; a language the store does not offer reads the default one.
    try:
        return get_supported_language_variant(language or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _shown_language(language: str | None, *, published: QuerySet, lookup: str = "language") -> str | Case:
    """The language whose rows a reader of `language` sees: theirs when `published` has any in it, else the
    default one. An SQL expression, so that the choice rides inside the page's one query."""
    language = _supported_language(language)
    if language == settings.LANGUAGE_CODE:
        return language
    return Case(
        When(Exists(published.filter(**{lookup: language})), then=Value(language)),
        default=Value(settings.LANGUAGE_CODE),
    )


def faq_sections(*, language: str | None, query: str = "") -> list[FaqSection]:
    """The published entries of the reader's language (else the default one's) by group, filtered by `query` in
    question or answer (case-insensitive): one query."""
    published = FaqEntry.objects.filter(published=True)
    shown = _shown_language(language, published=published, lookup="group__language")
    entries = published.filter(group__language=shown).select_related("group")
    query = query.strip()
    if query:
        entries = entries.filter(Q(question__icontains=query) | Q(answer__icontains=query))
    sections: list[FaqSection] = []
    for entry in entries.order_by("group__position", "group_id", "position", "id"):
        if not sections or sections[-1].group_id != entry.group_id:
            sections.append(FaqSection(group_id=entry.group_id, name=entry.group.name))
        sections[-1].entries.append(entry)
    return sections


def faq_groups_with_counts(*, language: str | None) -> QuerySet[FaqGroup]:
    """The groups of the reader's language (else the default one's) that have published entries, with how many:
    the help page's top of the FAQ."""
    shown = _shown_language(language, published=FaqEntry.objects.filter(published=True), lookup="group__language")
    return (
        FaqGroup.objects.filter(language=shown)
        .annotate(published_count=Count("entries", filter=Q(entries__published=True)))
        .filter(published_count__gt=0)
        .order_by("position", "id")
    )


def new_features_published(*, language: str | None) -> QuerySet[NewFeature]:
    """The published new features of the reader's language (else the default one's), newest first."""
    published = NewFeature.objects.filter(published=True)
    return published.filter(language=_shown_language(language, published=published)).order_by("-date", "-id")


def locations_for_country(*, country: str) -> QuerySet[Location]:
    """The distributor's offices in a country."""
    return Location.objects.filter(country=country).order_by("position", "id")


def service_centres_for_country(*, country: str) -> QuerySet[ServiceCentre]:
    """The RMA service centres of a country (read from the RMA domain, never written here)."""
    return ServiceCentre.objects.filter(country=country).order_by("position", "id")
