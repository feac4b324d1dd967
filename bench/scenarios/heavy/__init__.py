"""The heavy paths: placing orders at once, Price List files, quote PDFs and Celery's overhead.

Each scenario times the store's own function against its floor in the same run (bench.harness), and
the order scenario also checks a ledger after every run: one order per submission key, no unit sold
twice, no credit line overdrawn, no "database is locked". Its data lives in the bench database under
names starting with "BH" (its own accounts, contacts, price list, warehouse and products), so the
ledger counts exactly what this scenario did.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable

from bench.harness import Result
from bench.scenarios.heavy.common import NAMES, RESELLERS, cleanup
from bench.scenarios.heavy.files import csv_scenario, xlsx_scenario
from bench.scenarios.heavy.orders import orders_scenario
from bench.scenarios.heavy.pdf import pdf_scenario
# Imported by the worker too (`-I bench.scenarios.heavy`): this import registers the bench's task there.
from bench.scenarios.heavy.tasks import celery_scenario

__all__ = ["NAMES", "run"]


def run(tier: str, samples: int, only: Iterable[str] | None = None) -> list[Result]:
    """Every heavy scenario, or those named in `only`; 1,000,000-row XLSX only at XL or when named."""
    wanted = set(only) if only else None

    def on(*names: str) -> bool:
        return wanted is None or any(name in wanted for name in names)

    results: list[Result] = []
    try:
        results = _run(tier, samples, on, wanted)
    finally:
        cleanup()
    return results


def _run(tier: str, samples: int, on: Callable[..., bool], wanted: set[str] | None) -> list[Result]:
    big = tier.lower() == "xl" or (wanted is not None and bool({"xlsx-1m", "xlsx-memory"} & wanted))
    plan: list[tuple[tuple[str, ...], Callable[[], list[Result]]]] = [
        *(((f"order-place-{n}", "order-place"), lambda n=n: [orders_scenario(tier=tier, resellers=n, samples=samples)])
          for n in RESELLERS),
        (("xlsx-100k", "xlsx-1m", "xlsx-memory", "xlsx"), lambda: xlsx_scenario(tier=tier, samples=samples, with_million=big)),
        (("csv-stream", "csv-first-byte", "csv"), lambda: csv_scenario(tier=tier, samples=samples)),
        (("pdf-30", "pdf-100", "pdf-300", "pdf-300-vs-30", "pdf"), lambda: pdf_scenario(tier=tier, samples=samples)),
        (("celery-overhead", "celery-overhead-default", "celery"), lambda: celery_scenario(tier=tier, samples=samples)),
    ]
    results: list[Result] = []
    for names, scenario in plan:
        if not on(*names):
            continue
        print(f"  heavy: {names[0]} ...", flush=True)
        try:
            results.extend(scenario())
        except Exception:  # one scenario's failure must not cost the others' results
            traceback.print_exc()
    return results
