"""bench.report keeps one row per scenario and tier across runs: an XL run never costs the M figures."""

from __future__ import annotations

import json

import pytest

from bench import report
from bench.harness import Result


@pytest.fixture(autouse=True)
def no_plot(monkeypatch):
    monkeypatch.setattr(report, "plot", lambda rows, path: None)


def _result(name: str, tier: str, ratio: float = 1.0) -> Result:
    return Result(name=name, tier=tier, ratio=ratio, ci_low=ratio, ci_high=ratio, goal=2.0, baseline="b",
                  median_ms=1.0, baseline_ms=1.0, samples=3)


def _write(tmp_path, results, *, tier: str, partial: bool, http_load=(), build=None) -> dict:
    return report.write(
        results, http_load=list(http_load), machine={"tier": tier, "samples": 3, "database": "db"},
        timings={"build_seconds": build, "run_seconds": 1.0}, out=tmp_path, partial=partial,
    )


def _rows(tmp_path) -> list[tuple]:
    data = json.loads((tmp_path / "bench/results.json").read_text())
    return [(row["name"], row["tier"], row["ratio"]) for row in data["scenarios"]]


def test_a_whole_xl_run_keeps_the_m_rows(tmp_path):
    _write(tmp_path, [_result("a", "m"), _result("b", "m")], tier="m", partial=False)

    _write(tmp_path, [_result("a", "xl", 3.0), _result("xlsx-1m", "xl")], tier="xl", partial=False)

    assert _rows(tmp_path) == [("a", "m", 1.0), ("b", "m", 1.0), ("a", "xl", 3.0), ("xlsx-1m", "xl", 1.0)]


def test_a_partial_run_replaces_its_own_rows_in_place(tmp_path):
    _write(tmp_path, [_result("a", "m"), _result("b", "m"), _result("c", "m")], tier="m", partial=False)
    _write(tmp_path, [_result("a", "xl")], tier="xl", partial=True)

    _write(tmp_path, [_result("b", "m", 5.0)], tier="m", partial=True)

    assert _rows(tmp_path) == [("a", "m", 1.0), ("b", "m", 5.0), ("c", "m", 1.0), ("a", "xl", 1.0)]


def test_a_whole_run_drops_the_rows_of_its_tier_it_did_not_measure_again(tmp_path):
    _write(tmp_path, [_result("a", "m"), _result("gone", "m")], tier="m", partial=False)
    _write(tmp_path, [_result("a", "xl")], tier="xl", partial=True)

    _write(tmp_path, [_result("a", "m", 2.0)], tier="m", partial=False)

    assert _rows(tmp_path) == [("a", "m", 2.0), ("a", "xl", 1.0)]


def test_the_doc_names_each_tiers_run_and_keeps_the_load_of_an_earlier_run(tmp_path):
    load = [{"users": 8, "seconds": 60, "requests": 10, "throughput": 1.0, "p50_ms": 1, "p95_ms": 2, "p99_ms": 3,
             "failures": 0, "ledger": {"ok": True}}]
    _write(tmp_path, [_result("a", "m")], tier="m", partial=False, http_load=load, build=30.0)

    data = _write(tmp_path, [_result("a", "xl")], tier="xl", partial=True, build=600.0)

    assert data["http_load"] == load
    assert set(data["runs"]) == {"m", "xl"}
    doc = (tmp_path / "docs/performance.md").read_text()
    assert "- Tier M, 3 samples per scenario, db; the scenarios took 1.0 s, building the data 30 s." in doc
    assert "- Tier XL, 3 samples per scenario, db; the scenarios took 1.0 s, building the data 600 s." in doc
    assert "| a | m |" in doc and "| a | xl |" in doc
