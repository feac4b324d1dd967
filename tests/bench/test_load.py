"""The HTTP load, for real and briefly: 2 resellers for 5 seconds against gunicorn, the two Celery
workers, PostgreSQL and Redis under production settings. Skipped without PostgreSQL and a reachable
Redis, like the other process tests.

The load runs as its own command, as `make bench` would run it: it prepares a database of its own
(the test database is not involved) and Locust's gevent stays out of the test process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from bench.load import ROOT
from tests.storefront.test_processes import services_missing

pytestmark = pytest.mark.services


@pytest.fixture(scope="module", autouse=True)
def _require_services() -> None:
    reason = services_missing()
    if reason:
        pytest.skip(reason)


def _drop(database_url: str) -> None:
    """The load keeps its database for a look afterwards; the test's is not wanted."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/"))))


def test_two_resellers_browse_and_order_without_errors_and_the_ledger_holds(tmp_path: Path) -> None:
    """Given the store in production shape, when two resellers shop for 5 seconds, then every request
    succeeds, each shopping round places an order, and the ledger finds one order per order page."""
    # The load's own database, on the PostgreSQL the tests use; dropped and created by the load.
    database_url = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/storefront_load_smoke"))
    out = tmp_path / "load.json"

    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.load", "--users", "2", "--seconds", "5", "--database-url", database_url, "--json", str(out)],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
        )
    finally:
        _drop(database_url)

    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    (result,) = json.loads(out.read_text())
    assert result["users"] == 2 and result["failures"] == 0 and result["errors"] == []
    assert result["requests"] > 0 and result["throughput"] > 0
    assert result["p50_ms"] <= result["p95_ms"] <= result["p99_ms"]
    assert {"sign in: POST", "category listing", "search", "product page", "add to cart (htmx)", "Finish order: POST"} <= set(result["steps"])
    assert result["orders_placed"] >= 1 and result["orders_placed"] == result["orders_answered"]
    assert result["ledger"]["ok"], result["ledger"]["problems"]
    # Every process the load started has ended: nothing of it still serves on its port.
    assert "stopping the processes" in done.stderr
