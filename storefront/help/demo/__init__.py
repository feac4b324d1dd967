"""The help centre's part of the demo data: the FAQ (every question and how-to of the user's help
pages, in the store's own words and labels) and a few new features, in English and in Spanish, and a
location in every country.

Idempotent: groups are found by language and name, entries by group and question, features by language,
date and title, locations by country and name; rows already there are left as the back office edited them.
"""

from __future__ import annotations

from datetime import date
from typing import TextIO

from django.conf import settings
from django.db import transaction

from storefront.help.demo import en, es
from storefront.help.models import FaqEntry, FaqGroup, Location, NewFeature

# Per language: [(group, [(question, answer)])]; "{store}" becomes settings.STORE_NAME.
FAQ: dict[str, list[tuple[str, list[tuple[str, str]]]]] = {"en": en.FAQ, "es": es.FAQ}
NEW_FEATURES: dict[str, list[tuple[date, str, str]]] = {"en": en.NEW_FEATURES, "es": es.NEW_FEATURES}

# One office per country; Miami's is the one of the help pages.
LOCATIONS: list[dict[str, str]] = [
    {"country": "US", "name": "Miami", "address": "3505 NW 107th Ave", "city": "Miami", "phone": "(305) 477.6230", "fax": "(305) 477.5694", "mailbox": "info", "hours": "Mon–Fri 8:30–17:30"},
    {"country": "CL", "name": "Santiago", "address": "Av. Américo Vespucio 2680, Conchalí", "city": "Santiago", "phone": "+56 2 2555 0100", "fax": "", "mailbox": "info.cl", "hours": "Lun–Vie 9:00–18:00"},
    {"country": "CO", "name": "Bogotá", "address": "Calle 26 # 92-32", "city": "Bogotá", "phone": "+57 601 555 0100", "fax": "+57 601 555 0101", "mailbox": "info.co", "hours": "Lun–Vie 8:00–17:00"},
    {"country": "CR", "name": "San José", "address": "Zona Franca Metropolitana, Barreal de Heredia", "city": "Heredia", "phone": "+506 2555 0100", "fax": "", "mailbox": "info.cr", "hours": "Lun–Vie 8:00–17:00"},
    {"country": "EC", "name": "Guayaquil", "address": "Av. Juan Tanca Marengo km 1.8", "city": "Guayaquil", "phone": "+593 4 555 0100", "fax": "", "mailbox": "info.ec", "hours": "Lun–Vie 8:30–17:30"},
    {"country": "GT", "name": "Ciudad de Guatemala", "address": "Calzada Roosevelt 22-43, zona 11", "city": "Ciudad de Guatemala", "phone": "+502 2555 0100", "fax": "", "mailbox": "info.gt", "hours": "Lun–Vie 8:00–17:00"},
    {"country": "JM", "name": "Kingston", "address": "12 Red Hills Road", "city": "Kingston", "phone": "+1 876 555 0100", "fax": "", "mailbox": "info.jm", "hours": "Mon–Fri 8:30–17:00"},
    {"country": "MX", "name": "Ciudad de México", "address": "Av. Ejército Nacional 904, Polanco", "city": "Ciudad de México", "phone": "+52 55 5555 0100", "fax": "+52 55 5555 0101", "mailbox": "info.mx", "hours": "Lun–Vie 9:00–18:00"},
    {"country": "PA", "name": "Panamá", "address": "Zona Libre de Colón, Calle 16", "city": "Colón", "phone": "+507 555 0100", "fax": "", "mailbox": "info.pa", "hours": "Lun–Vie 8:00–17:00"},
    {"country": "PE", "name": "Lima", "address": "Av. Javier Prado Este 1650, San Isidro", "city": "Lima", "phone": "+51 1 555 0100", "fax": "", "mailbox": "info.pe", "hours": "Lun–Vie 9:00–18:00"},
    {"country": "SV", "name": "San Salvador", "address": "Bulevar del Ejército Nacional km 3.5", "city": "San Salvador", "phone": "+503 2555 0100", "fax": "", "mailbox": "info.sv", "hours": "Lun–Vie 8:00–17:00"},
    {"country": "UY", "name": "Montevideo", "address": "Av. Italia 6201, Parque de las Ciencias", "city": "Montevideo", "phone": "+598 2 555 0100", "fax": "", "mailbox": "info.uy", "hours": "Lun–Vie 9:00–18:00"},
]


def _store_domain() -> str:
    # The support mailbox's domain, so the demo addresses belong to the store that is running.
    return settings.STORE_SUPPORT_EMAIL.rpartition("@")[2] or "store.test"


@transaction.atomic
def help_demo_seed(*, stdout: TextIO) -> None:
    """The FAQ and new features in every language of the demo, and the locations; rows already there are left
    untouched."""
    store = settings.STORE_NAME
    made_entries = 0
    for language, groups in FAQ.items():
        for group_position, (group_name, entries) in enumerate(groups, start=1):
            group, _created = FaqGroup.objects.get_or_create(
                language=language, name=group_name, defaults={"position": group_position}
            )
            for position, (question, answer) in enumerate(entries, start=1):
                _entry, created = FaqEntry.objects.get_or_create(
                    group=group,
                    question=question.format(store=store),
                    defaults={"answer": answer.format(store=store), "position": position},
                )
                made_entries += created
    made_features = 0
    for language, features in NEW_FEATURES.items():
        for day, title, body in features:
            _feature, created = NewFeature.objects.get_or_create(
                language=language, date=day, title=title, defaults={"body": body}
            )
            made_features += created
    domain = _store_domain()
    made_locations = 0
    for spec in LOCATIONS:
        fields = {key: value for key, value in spec.items() if key not in {"country", "name", "mailbox"}}
        _location, created = Location.objects.get_or_create(
            country=spec["country"], name=spec["name"], defaults={**fields, "email": f"{spec['mailbox']}@{domain}"}
        )
        made_locations += created
    stdout.write(f"  help centre: {made_entries} FAQ entries, {made_features} new features, {made_locations} locations added")
