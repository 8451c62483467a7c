"""Data backtests pinned to the figures the code gave before the replay's speed work of
2026-12-02 (issue 16): on seeded synthetic data sets (mm/backtest/bench.py), under both
queue models, with and without entry and response latency, the same fills, orders,
equity samples, mids, skips and PnL. The digest covers the result's fills, orders,
series, mids, events, skipped and end state as JSON (figures left out: analytics may
add figures without changing a trade); fills, orders, skips and PnL are spelt out too,
so a failure says what moved. Figures computed with the code before the change."""
import hashlib
import json

import pytest

from souq.mm.backtest.bench import config, synthetic_data
from souq.mm.backtest.models import Latency, queue_model
from souq.mm.backtest.run import Spec, run_backtest

EVENTS = 30_000
KEYS = ("fills", "orders", "series", "mids", "events", "skipped", "stopped", "reason")

# seed, queue model, entry ms, response ms -> fills, orders, skipped, PnL, digest
PINNED = [
    ((1, "pessimistic", 0, 0), (1757, 471, 3062, "-29.223794557",
                                "4ec936647ec439485c210560be3cdd96")),
    ((2, "probabilistic", 0, 0), (1932, 544, 2828, "-31.790086064",
                                  "ffc89cb545f4c7405396e4a027dbaac7")),
    ((3, "pessimistic", 10, 10), (1886, 431, 3512, "-30.039352648",
                                  "1f58b4e095aa3e54b3fe4694b18131a2")),
    ((4, "probabilistic", 5, 30), (1848, 411, 2705, "-29.974895479",
                                   "3bcb1173537fa2dcb3538fc20945d52d")),
    ((5, "pessimistic", 10, 0), (1763, 438, 3573, "-30.406519159",
                                 "d9822a5346cf58089d6dd8a822642d74")),
]


@pytest.mark.parametrize("case,expected", PINNED)
def test_data_backtest_gives_the_pinned_figures(case, expected):
    seed, queue, entry_ms, response_ms = case
    events = synthetic_data(EVENTS, seed)
    spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue),
                latency_ns=entry_ms * 10**6,
                latency=Latency(entry_ms * 10**6, response_ms * 10**6))
    res = run_backtest(spec, data_source=lambda name, start, end: iter(events))
    plain = res.plain()
    core = json.dumps({k: plain[k] for k in KEYS}, sort_keys=True)
    got = (len(res.fills), len(res.orders), res.skipped, res.figures["pnl"]["total"],
           hashlib.sha256(core.encode()).hexdigest()[:32])
    assert got == expected
