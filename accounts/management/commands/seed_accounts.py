"""Made-up reseller accounts in bulk, each with an administrator and a buyer who may do everything.

`manage.py seed_accounts --accounts 2000 --seed 7` writes accounts RS-00001 ... RS-02000 spread over
the countries the store sells in, each buying from a price list in its currency (the seeded catalog's
lists, when there are some), with a credit line. Safe to run twice: customer codes that exist are
left as they are, and a second run with more accounts adds only the missing ones. Every contact it
creates signs in with the same password, hashed once (hashing thousands is what would take time).
"""

from __future__ import annotations

import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.countries import COUNTRIES
from accounts.models import Account, Contact, User
from catalog.models import PriceList

SEED_PASSWORD = "Reseller-Seed-2026"
CODE_PREFIX = "RS-"
# Where the distributor's resellers are: most in Mexico and Colombia, the rest spread out.
COUNTRY_WEIGHTS = {"MX": 45, "CO": 30, "US": 6, "PE": 4, "CL": 4, "EC": 3, "PA": 2, "CR": 2, "GT": 1, "SV": 1, "UY": 1, "JM": 1}
WORDS = ("Andes", "Pacific", "Norte", "Sierra", "Delta", "Cumbre", "Vértice", "Prisma", "Nexo", "Orbita", "Quetzal", "Condor")
KINDS = ("Systems", "IT Solutions", "Networks", "Tecnología", "Computación", "Digital", "Data", "Soluciones")
CHUNK_SIZE = 500


def _price_lists_by_currency() -> dict[str, list[PriceList]]:
    lists: dict[str, list[PriceList]] = {}
    for price_list in PriceList.objects.order_by("code"):
        lists.setdefault(price_list.currency, []).append(price_list)
    return lists


def accounts_seed(*, accounts: int, seed: int) -> tuple[int, float]:
    """Write the accounts RS-00001 ... up to `accounts` that are missing, with two contacts each;
    returns (accounts created, seconds)."""
    started = time.monotonic()
    rng = random.Random(seed)
    countries = list(COUNTRY_WEIGHTS)
    weights = list(COUNTRY_WEIGHTS.values())
    lists = _price_lists_by_currency()
    password = make_password(SEED_PASSWORD)
    existing = set(Account.objects.filter(customer_code__startswith=CODE_PREFIX).values_list("customer_code", flat=True))
    created = 0
    with transaction.atomic():
        for start in range(1, accounts + 1, CHUNK_SIZE):
            new_accounts: list[Account] = []
            for n in range(start, min(start + CHUNK_SIZE, accounts + 1)):
                # Drawn for every number, made or not, so that account n is the same whatever ran before.
                country = rng.choices(countries, weights=weights)[0]
                name = f"{rng.choice(WORDS)} {rng.choice(KINDS)} {n}"
                credit = Decimal(rng.randrange(20, 500) * 1000)
                code = f"{CODE_PREFIX}{n:05d}"
                if code in existing:
                    continue
                currency = COUNTRIES[country][1]
                choices = lists.get(currency, [])
                new_accounts.append(
                    Account(
                        customer_code=code,
                        company_name=name,
                        tax_id=f"TX{seed % 100:02d}{n:07d}",
                        country=country,
                        currency=currency,
                        credit_limit=credit.quantize(Decimal("0.01")),
                        price_list=choices[n % len(choices)] if choices else None,
                        city=str(COUNTRIES[country][0]),
                    )
                )
            Account.objects.bulk_create(new_accounts)
            users = []
            for account in new_accounts:
                number = account.customer_code.removeprefix(CODE_PREFIX)
                for role in ("admin", "buyer"):
                    users.append(
                        User(
                            username=f"rs{number}.{role}",
                            email=f"{role}@rs{number}.test",
                            first_name=role.capitalize(),
                            last_name=f"RS {number}",
                            password=password,
                        )
                    )
            User.objects.bulk_create(users)
            # bulk_create sets primary keys on PostgreSQL and SQLite alike (RETURNING).
            contacts = [
                Contact(
                    user=user,
                    account=account,
                    position="Purchasing manager" if user.username.endswith("admin") else "Buyer",
                    is_admin=user.username.endswith("admin"),
                    state=Contact.State.ACTIVE,
                    **{name: True for name in Contact.PERMISSION_FIELDS},
                )
                for account, pair in zip(new_accounts, zip(users[0::2], users[1::2]))
                for user in pair
            ]
            Contact.objects.bulk_create(contacts)
            created += len(new_accounts)
    return created, time.monotonic() - started


class Command(BaseCommand):
    help = (
        "Write made-up reseller accounts RS-00001... in bulk, each with an administrator and a buyer allowed "
        f"everything, buying from a price list in its currency. Existing codes are kept. Contacts sign in with {SEED_PASSWORD}."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--accounts", type=int, default=100, help="How many accounts there should be (default 100).")
        parser.add_argument("--seed", type=int, default=1, help="Seed of the generator (default 1).")

    def handle(self, *args, accounts: int, seed: int, **options) -> None:
        if accounts < 0:
            raise CommandError("--accounts must be zero or more.")
        created, seconds = accounts_seed(accounts=accounts, seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Seeded {created} accounts ({2 * created} contacts) in {seconds:.1f} s; password {SEED_PASSWORD}."))
