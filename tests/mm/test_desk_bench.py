"""`souq bench --mm` measures real requotes: the figures are there and counted, whatever
their size (speed targets live in the benchmark, not in tests)."""
from mm.desk.bench import measure, run_mm_bench


def test_measure_counts_every_step_of_every_strategy():
    m = measure(2, events=15)
    assert m["strategies"] == 2 and m["events"] == 15
    assert m["requotes"] + m["quiet_steps"] == 30
    assert m["requotes"] > 0
    assert 0 < m["median_ms"] <= m["p99_ms"] <= m["max_ms"]


def test_report_names_the_targets_and_the_best_count():
    out = run_mm_bench(events=15, counts=(1, 2))
    assert [r["strategies"] for r in out["by_strategies"]] == [1, 2]
    assert out["book_change_to_commands"]["target_median_ms"] == 1.0
    assert out["most_strategies_within_targets"] in (0, 1, 2)
