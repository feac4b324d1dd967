"""The events part of the demo data: upcoming events in Mexico, Colombia and Miami (some with seats,
one online), and one that already took place.

Idempotent: an event is found by its country and title and left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from storefront.events.models import Event, country_timezone

# (country, title, days from today, start hour, hours long, place, city, online URL, capacity, description)
DEMO_EVENTS = [
    ("MX", "Notebook lineup 2026: launch breakfast", 12, 9, 3, "Hotel Camino Real, Mariano Escobedo 700", "Ciudad de México", "", 60,
     "The new business notebooks, their prices for resellers and the demo units you can order."),
    ("MX", "Volume licensing workshop", 26, 16, 2, "", "", "https://meet.distributor.test/vl-workshop", None,
     "Open Value, Open Business and subscriptions: how to quote and order them through the store."),
    ("CO", "Jornada de servidores y almacenamiento", 18, 8, 8, "Centro de Convenciones Ágora, Calle 24 # 38-47", "Bogotá", "", 120,
     "Servidores, almacenamiento y respaldo para pymes, con los fabricantes."),
    ("US", "Miami Partner Summit", 34, 10, 7, "Hyatt Regency Miami, 400 SE 2nd Ave", "Miami", "https://meet.distributor.test/summit", 200,
     "The year's plans of our brands for the Caribbean and Central America, in person and online."),
    ("US", "Security solutions roadshow", 9, 14, 3, "Distributor Training Center, 9500 NW 12th St", "Doral", "", 25,
     "Firewalls, endpoint protection and the services you can resell."),
    ("MX", "Gaming hardware showcase", -20, 11, 4, "World Trade Center, Montecito 38", "Ciudad de México", "", 80,
     "Already took place: kept to show that past events leave the list."),
]


def _at(country: str, days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=country_timezone(country))


@transaction.atomic
def events_demo_seed(*, stdout: TextIO) -> None:
    """A few upcoming events in several countries relative to today, and one past event."""
    made = 0
    for country, title, days, hour, hours, place, city, online_url, capacity, description in DEMO_EVENTS:
        starts_at = _at(country, days, hour)
        _event, created = Event.objects.get_or_create(
            country=country,
            title=title,
            defaults={
                "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=hours), "place": place, "city": city,
                "online_url": online_url, "capacity": capacity, "description": description, "published": True,
            },
        )
        made += created
    if made:
        stdout.write(f"  {made} events")
