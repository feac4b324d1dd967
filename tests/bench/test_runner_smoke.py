"""The runner end to end on the tiny tier (a few hundred products, 3 samples): data, pages, report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run_tiny(tmp_path: Path, *, only: str, samples: int, timeout: int) -> subprocess.CompletedProcess:
    """`python -m bench` on the tiny tier in its own SQLite file, writing under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bench-tiny.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "bench", "--tier", "tiny", "--samples", str(samples), "--only", only, "--no-load", "--out", str(tmp_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout,
    )


@pytest.mark.bench
def test_the_runner_measures_the_pages_on_a_tiny_tier_and_writes_its_report(tmp_path):
    done = _run_tiny(tmp_path, only="pages", samples=3, timeout=300)

    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((tmp_path / "bench/results.json").read_text())
    assert {"cpu", "cores", "python", "database", "platform"} <= set(data["machine"])
    names = {row["name"] for row in data["scenarios"]}
    assert {"product page", "add to cart (htmx)", "sign-in", "search, selective term", "search, broad term"} <= names
    assert all(row["tier"] == "tiny" and row["samples"] == 3 and row["ratio"] > 0 for row in data["scenarios"])
    assert (tmp_path / "docs/performance.png").stat().st_size > 0
    doc = (tmp_path / "docs/performance.md").read_text()
    assert "| product page | tiny |" in doc and "bench:results:start" in doc


def test_tier_xl_is_refused_on_sqlite(monkeypatch, capsys):
    from bench.__main__ import main

    monkeypatch.delenv("DATABASE_URL", raising=False)

    assert main(["--tier", "xl"]) == 2
    assert "PostgreSQL only" in capsys.readouterr().err


@pytest.mark.bench
def test_the_quote_pdf_rows_say_what_the_store_itself_adds(tmp_path):
    done = _run_tiny(tmp_path, only="pdf", samples=2, timeout=600)

    assert done.returncode == 0, done.stdout + done.stderr
    rows = {row["name"]: row for row in json.loads((tmp_path / "bench/results.json").read_text())["scenarios"]}
    assert {"pdf-30", "pdf-100", "pdf-300", "pdf-300-vs-30"} <= set(rows)
    for lines in (30, 100, 300):
        assert "the store's own part (its HTML from the database, against T) adds" in rows[f"pdf-{lines}"]["notes"]
