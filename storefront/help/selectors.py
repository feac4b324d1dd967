"""Reads of the help centre: public data, each page's in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from rma.models import ServiceCentre
from storefront.help.models import FaqEntry, FaqGroup, Location, NewFeature


@dataclass
class FaqSection:
    """One FAQ group as the page shows it: its name and its published entries."""

    group_id: int
    name: str
    entries: list[FaqEntry] = field(default_factory=list)


def faq_sections(*, query: str = "") -> list[FaqSection]:
    """The published entries by group, filtered by `query` in question or answer (case-insensitive): one query."""
    entries = FaqEntry.objects.filter(published=True).select_related("group")
    query = query.strip()
    if query:
        entries = entries.filter(Q(question__icontains=query) | Q(answer__icontains=query))
    sections: list[FaqSection] = []
    for entry in entries.order_by("group__position", "group_id", "position", "id"):
        if not sections or sections[-1].group_id != entry.group_id:
            sections.append(FaqSection(group_id=entry.group_id, name=entry.group.name))
        sections[-1].entries.append(entry)
    return sections


def faq_groups_with_counts() -> QuerySet[FaqGroup]:
    """The groups that have published entries, with how many: the help page's top of the FAQ."""
    return (
        FaqGroup.objects.annotate(published_count=Count("entries", filter=Q(entries__published=True)))
        .filter(published_count__gt=0)
        .order_by("position", "id")
    )


def new_features_published() -> QuerySet[NewFeature]:
    """The published new features, newest first."""
    return NewFeature.objects.filter(published=True).order_by("-date", "-id")


def locations_for_country(*, country: str) -> QuerySet[Location]:
    """The distributor's offices in a country."""
    return Location.objects.filter(country=country).order_by("position", "id")


def service_centres_for_country(*, country: str) -> QuerySet[ServiceCentre]:
    """The RMA service centres of a country (read from the RMA domain, never written here)."""
    return ServiceCentre.objects.filter(country=country).order_by("position", "id")
