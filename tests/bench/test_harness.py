"""The harness: interleaving, the bootstrap interval of the ratio, and the JSON every scenario writes."""

from __future__ import annotations

import gc
import random

import pytest

from bench import harness
from bench.harness import Result, bootstrap_ratio, compare, interleave, peak_mb


def test_interleaving_alternates_baseline_then_target_and_drops_the_warmup():
    calls: list[str] = []

    target_ns, base_ns = interleave(lambda: calls.append("t"), lambda: calls.append("b"), samples=4, warmup=2)

    assert calls == ["b", "t"] * 6
    assert len(target_ns) == len(base_ns) == 4


def test_each_side_starts_on_a_collected_heap_so_the_baseline_leaves_no_garbage_to_the_target():
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    uncollected_at_target_start: list[int] = []

    def baseline() -> None:
        for _ in range(1_000):
            Cycle()  # garbage only the cycle collector frees

    def target() -> None:
        uncollected_at_target_start.append(sum(type(o) is Cycle for o in gc.get_objects()))

    gc.disable()  # no automatic collection: only the harness's own can free the baseline's cycles
    try:
        interleave(target, baseline, samples=3, warmup=1)
    finally:
        gc.enable()

    assert uncollected_at_target_start == [0, 0, 0, 0]


def test_the_bootstrap_interval_contains_the_true_ratio_of_synthetic_timings():
    rng = random.Random(1)
    # A baseline of 10 ms and a target of 13 ms, both with the jitter of a busy machine.
    base = [10_000_000 * rng.lognormvariate(0, 0.08) for _ in range(30)]
    target = [13_000_000 * rng.lognormvariate(0, 0.08) for _ in range(30)]

    ratio, low, high = bootstrap_ratio(target, base)

    assert low <= 1.3 <= high
    assert low <= ratio <= high
    assert high - low < 0.3


def test_the_paired_ratio_cancels_a_slowdown_that_hits_both_sides_of_a_pair():
    rng = random.Random(2)
    # The machine is sometimes 1.3 or 1.6 times slower, for a pair at a time; within a pair both
    # sides see the same speed, give or take 1 %. The target is 1.05 x its baseline.
    speeds = [rng.choice([1.0, 1.0, 1.0, 1.3, 1.6]) * rng.uniform(0.95, 1.05) for _ in range(30)]
    base = [10_000_000 * s * rng.lognormvariate(0, 0.01) for s in speeds]
    target = [10_500_000 * s * rng.lognormvariate(0, 0.01) for s in speeds]

    ratio, low, high = bootstrap_ratio(target, base)

    assert 1.03 < low <= ratio <= high < 1.07


def test_the_unpaired_ratio_is_the_median_of_one_side_over_the_other():
    base, target = [1.0, 2.0, 3.0, 40.0, 5.0], [10.0, 2.0, 6.0, 4.0, 5.0]

    assert bootstrap_ratio(target, base, paired=False)[0] == pytest.approx(5.0 / 3.0)
    assert bootstrap_ratio(target, base)[0] == pytest.approx(1.0)  # the pairs' ratios: 10, 1, 2, 0.1, 1


def test_the_bootstrap_uses_a_fixed_seed():
    base, target = [1.0, 2.0, 3.0, 4.0], [2.0, 4.0, 5.0, 9.0]

    assert bootstrap_ratio(target, base) == bootstrap_ratio(target, base)


def test_compare_times_each_side_and_reports_the_median_ratio(monkeypatch):
    # perf_counter_ns advances 2 units for the baseline and 3 for the target, exactly.
    ticks = {"now": 0}

    def fake_ns() -> int:
        return ticks["now"]

    def baseline() -> None:
        ticks["now"] += 2_000_000

    def target() -> None:
        ticks["now"] += 3_000_000

    monkeypatch.setattr(harness.time, "perf_counter_ns", fake_ns)

    result = compare("fake", tier="m", target=target, baseline=baseline, goal=2.0, baseline_label="B", samples=10, warmup=1)

    assert result.ratio == pytest.approx(1.5)
    assert result.ci_low == pytest.approx(1.5) and result.ci_high == pytest.approx(1.5)
    assert result.median_ms == pytest.approx(3.0) and result.baseline_ms == pytest.approx(2.0)
    assert result.samples == 10


def test_json_has_the_issue_keys_and_says_how_the_goal_was_met():
    within = Result("a", "m", ratio=1.1, ci_low=1.0, ci_high=1.2, goal=1.25, baseline="T + R", median_ms=11, baseline_ms=10)
    by_median = Result("b", "m", ratio=1.2, ci_low=1.1, ci_high=1.4, goal=1.25, baseline="H", median_ms=12, baseline_ms=10, notes="n")
    above = Result("c", "m", ratio=1.5, ci_low=1.4, ci_high=1.6, goal=1.25, baseline="H", median_ms=15, baseline_ms=10)

    data = within.to_json()

    assert {"name", "tier", "ratio", "ci_high", "goal", "baseline", "median_ms", "peak_mb"} <= set(data)
    assert {"ci_low", "baseline_ms", "samples", "notes", "ok"} <= set(data)
    assert data["ok"] and "interval" in data["notes"]
    assert by_median.to_json()["ok"] and "median" in by_median.to_json()["notes"] and by_median.to_json()["notes"].endswith("n")
    assert not above.to_json()["ok"]


def test_peak_mb_sees_a_large_allocation():
    assert peak_mb(lambda: bytearray(8 * 1024 * 1024)) >= 7.5
