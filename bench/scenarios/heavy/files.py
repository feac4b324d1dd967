"""Price List files: the XLSX writer against openpyxl write-only, the streamed CSV against csv.writer."""

from __future__ import annotations

from bench.scenarios.heavy.common import *  # noqa: F403 - the scenarios' shared imports, constants and customers
from bench.scenarios.heavy.common import _result  # noqa: F401


# --- 2. Price List XLSX ---------------------------------------------------------------------------


def listing_rows(contact, *, rows: int, unique: bool) -> Iterator[tuple]:
    """`rows` rows of the "all" listing through the store's selector, run again as often as needed.

    With `unique`, each pass appends its number to the name, part number and SKU, so a million rows
    hold a million distinct texts (as a million-product catalogue would) rather than 24,000 repeated.
    """
    from catalog.selectors import Filters, Pricing, Scope, price_list_rows

    pricing = Pricing.for_contact(contact)
    passes = (price_list_rows(scope=Scope(kind="all"), filters=Filters(), pricing=pricing) for _ in itertools.count())
    if not unique:
        return itertools.islice(itertools.chain.from_iterable(passes), rows)

    def marked() -> Iterator[tuple]:
        for n, one_pass in enumerate(passes):
            suffix = f"-{n}" if n else ""
            for cat, sub, name, brand, price, stock, mpn, sku, attrs in one_pass:
                yield cat, sub, name + suffix, brand, price, stock, mpn + suffix, sku + suffix, attrs

    return itertools.islice(marked(), rows)


def xlsx_scenario(*, tier: str, samples: int, with_million: bool) -> list[Result]:
    from openpyxl import Workbook

    from catalog.price_lists import price_list_headers, price_list_write_xlsx

    contact = bench_contact()
    currency = contact.account.currency
    results, peaks = [], {}
    for rows, name in ((100_000, "xlsx-100k"), (1_000_000, "xlsx-1m")):
        if rows > 100_000 and not with_million:
            continue
        prepared = list(listing_rows(contact, rows=rows, unique=True))

        def target() -> None:
            with tempfile.TemporaryFile() as stream:
                price_list_write_xlsx(listing_rows(contact, rows=rows, unique=True), stream, currency=currency)

        def baseline() -> None:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet(title="Price List")
            sheet.append(price_list_headers(currency=currency))
            for row in prepared:
                sheet.append(row)
            with tempfile.TemporaryFile() as stream:
                workbook.save(stream)

        n = min(samples, XLSX_SAMPLES[rows])
        target_ns, base_ns = interleave(target, baseline, samples=n, warmup=1)
        del prepared
        peaks[rows] = peak_mb(target)
        results.append(_result(
            name, tier=tier, target_ns=target_ns, base_ns=base_ns, goal=1.15, peak=peaks[rows],
            label="openpyxl write-only on the same rows in memory",
            notes=(f"{rows:,} rows: the store's price_list_write_xlsx fed by its selector price_list_rows over the 'all' listing,"
                   f" run again until {rows:,} rows, each pass marking name, part number and SKU with its number so every row is"
                   f" distinct; the baseline appends the same rows, prepared in memory, to a plain write-only workbook"
                   f" (no query, no formula guard, no styles); {n} samples. Peak (tracemalloc, one untimed run) {peaks[rows]:.1f} MB"
                   f" (the store writes inline strings straight into the zip, chunk by chunk, so memory does not grow with the rows)."
                   + ("" if rows > 100_000 or with_million else " The 1,000,000-row case runs only at tier XL or with --only xlsx-1m."))))
    if 1_000_000 in peaks:
        ratio = peaks[1_000_000] / peaks[100_000]
        results.append(Result(
            name="xlsx-memory", tier=tier, ratio=ratio, ci_low=ratio, ci_high=ratio, goal=1.2, baseline="peak at 100,000 rows",
            median_ms=0.0, baseline_ms=0.0, peak_mb=peaks[1_000_000], samples=1,
            notes=(f"ratio of peak memory, not time: {peaks[1_000_000]:.1f} MB at 1,000,000 rows over {peaks[100_000]:.1f} MB at"
                   f" 100,000 (tracemalloc, one run each; no interval)")))
    return results


# --- 3. Price List CSV, streamed ------------------------------------------------------------------


def csv_scenario(*, tier: str, samples: int) -> list[Result]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from catalog.exports import price_list_csv_stream, price_list_request_resolve
    from catalog.selectors import Filters, Scope, product_listing

    contact = bench_contact()
    wanted = price_list_request_resolve(contact=contact, scope_key="all", query="", file_format="csv")
    values = product_listing(scope=Scope(kind="all"), filters=Filters(), pricing=wanted.pricing).values_list(
        "category__parent__name", "category__name", "name", "brand__name", "price", "stock_quantity", "mpn", "sku", "attributes")
    sql, params = values.query.sql_with_params()

    def target() -> None:
        for _chunk in price_list_csv_stream(request=wanted):
            pass

    def baseline() -> None:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            writer.writerows(cursor)
        buffer.getvalue().encode("utf-8")

    target_ns, base_ns = interleave(target, baseline, samples=samples, warmup=3)
    results = [_result(
        "csv-stream", tier=tier, target_ns=target_ns, base_ns=base_ns, goal=1.3, label="csv.writer over a raw cursor",
        notes=(f"the whole 'all' listing ({wanted.total_rows:,} rows) through price_list_csv_stream (the streaming view's"
               f" generator: the selector's chunked iterator, formula guard, 500-row UTF-8 chunks) against csv.writer over"
               f" the same SQL on a raw cursor"))]

    # The first byte, through the full middleware stack: POST to the Price List view, until its first chunk.
    client = Client()
    client.force_login(contact.user)
    url = reverse("catalog:price-list-create")
    first_ns = []
    with override_settings(ALLOWED_HOSTS=["testserver"], PRICE_LIST_SYNC_MAX_ROWS=10**9):
        for i in range(samples + 3):
            start = time.perf_counter_ns()
            response = client.post(url, {"scope": "all", "query": "", "format": "csv"}, secure=True)
            if not response.streaming:
                raise RuntimeError(f"the Price List view answered {response.status_code} {response.get('Location', '')}")
            first = next(iter(response.streaming_content))
            elapsed = time.perf_counter_ns() - start
            response.close()
            if response.status_code != 200 or not first:
                raise RuntimeError(f"the Price List view answered {response.status_code}")
            if i >= 3:
                first_ns.append(elapsed)
    results.append(_result(
        "csv-first-byte", tier=tier, target_ns=first_ns, base_ns=[FIRST_BYTE_BUDGET_MS * 1e6] * len(first_ns), goal=1.0,
        label="the 200 ms budget (a fixed time, not a measurement)",
        notes=(f"time from the POST (test client, full middleware, signed-in contact) to the first chunk of the streamed CSV of"
               f" the whole 'all' listing ({wanted.total_rows:,} rows, with the at-once limit raised so it streams rather than"
               f" queues a task); ratio = median first byte / 200 ms, so at most 1.0 meets the goal; median_ms is the first byte")))
    return results
