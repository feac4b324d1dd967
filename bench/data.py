"""The benchmark's data: one database per tier, built with the store's own seed commands, reused while
its counts are right.

Tier M (24,000 products) runs on SQLite or PostgreSQL; tier XL (1,000,000 products) on PostgreSQL only.
The database is DATABASE_URL when set, else a SQLite file beside this module (bench-<tier>.sqlite3).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
SEED = 9


@dataclass(frozen=True)
class Tier:
    name: str
    products: int
    categories: int
    accounts: int
    price_lists: int
    postgresql_only: bool = False


TIERS: dict[str, Tier] = {
    "m": Tier("m", products=24_000, categories=300, accounts=2_000, price_lists=20),
    "xl": Tier("xl", products=1_000_000, categories=300, accounts=2_000, price_lists=20, postgresql_only=True),
    # For the runner's own smoke test: seconds to build, every scenario still meaningful.
    "tiny": Tier("tiny", products=600, categories=250, accounts=20, price_lists=8),
}


class TierError(Exception):
    """The tier cannot be built on this database."""


def database_url(tier: Tier) -> str:
    """DATABASE_URL when set, else the tier's own SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if url:
        return url
    return f"sqlite:///{BENCH_DIR / f'bench-{tier.name}.sqlite3'}"


def check_database(tier: Tier, url: str) -> None:
    if tier.postgresql_only and not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        raise TierError(
            f"Tier {tier.name.upper()} ({tier.products:,} products) runs on PostgreSQL only: SQLite cannot build "
            "or search it in reasonable time. Set DATABASE_URL=postgres://... to a database of its own and run again."
        )


def counts() -> dict[str, int]:
    from accounts.models import Account
    from catalog.models import Category, PriceList, Product

    return {
        "products": Product.objects.filter(is_active=True).count(),
        "categories": Category.objects.count(),
        "accounts": Account.objects.filter(customer_code__startswith="RS-").count(),
        "price_lists": PriceList.objects.count(),
    }


def is_built(tier: Tier) -> bool:
    have = counts()
    return (
        have["products"] == tier.products
        and have["categories"] == tier.categories
        and have["accounts"] >= tier.accounts
        and have["price_lists"] == tier.price_lists
    )


def build(tier: Tier, *, log=print) -> float | None:
    """Migrate, then seed the tier unless its data is already there; returns the seconds spent seeding
    (None when the data was reused)."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    if is_built(tier):
        log(f"Tier {tier.name.upper()}: data present ({counts()}), reused.")
        return None
    log(f"Tier {tier.name.upper()}: building {tier.products:,} products, {tier.categories} categories, "
        f"{tier.price_lists} price lists, {tier.accounts:,} accounts (once; reused afterwards) ...")
    started = time.monotonic()
    call_command(
        "seed_catalog", products=tier.products, categories=tier.categories, price_lists=tier.price_lists,
        seed=SEED, replace=True, verbosity=0,
    )
    call_command("seed_accounts", accounts=tier.accounts, seed=SEED, verbosity=0)
    seconds = time.monotonic() - started
    log(f"Tier {tier.name.upper()}: built in {seconds:.0f} s ({counts()}).")
    return seconds
