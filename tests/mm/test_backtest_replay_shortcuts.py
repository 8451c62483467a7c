"""The replay's shortcuts skip work whose result is known: a post-only BOOK order sure to
cross is counted as skipped without an engine command (`skip_crossing`), the mid is read
again only when the exchange's sequence moved (`mid_by_seq`), a batch with no trade is
not handed to the trade listener (`quiet_batches`), a trade sorts only the stale levels it
clears (`stale_only`). Differential: whole backtests, under both queue models, with and
without latency and on several seeds, give byte-identical results with each shortcut on
and off, and each shortcut is taken often. On the full path (every market event an engine
command: the aggregate path is tested against it in test_backtest_aggregate.py).
"""
import pytest

from souq.mm.backtest import run as run_mod
from souq.mm.backtest.bench import config, synthetic_data
from souq.mm.backtest.models import Latency, queue_model
from souq.mm.backtest.replay import Replay
from souq.mm.backtest.run import Spec, _DataLoop, run_backtest


@pytest.fixture(autouse=True)
def _full_path(monkeypatch):
    monkeypatch.setattr(_DataLoop, "aggregate", False)


def _run(seed: int, queue: str, latency_ms: int) -> str:
    events = synthetic_data(5_000, seed)
    ns = latency_ms * 1_000_000
    spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue),
                latency_ns=ns, latency=Latency(ns, ns))
    return run_backtest(spec, data_source=lambda name, start, end: iter(events)).to_json()


def _count(monkeypatch, owner, name, taken, when=lambda out, *a: True):
    real = getattr(owner, name)

    def counting(*args, **kw):
        out = real(*args, **kw)
        if when(out, *args):
            taken.append(1)
        return out
    monkeypatch.setattr(owner, name, counting)


CASES = [(1, "pessimistic", 0), (2, "probabilistic", 0), (3, "pessimistic", 10),
         (4, "probabilistic", 5)]


@pytest.mark.parametrize("seed,queue,latency_ms", CASES)
def test_skipping_sure_crossings_changes_no_result(monkeypatch, seed, queue, latency_ms):
    taken = []
    _count(monkeypatch, Replay, "_would_cross", taken, lambda out, *a: out)
    fast = _run(seed, queue, latency_ms)
    assert len(taken) > 50
    monkeypatch.setattr(Replay, "skip_crossing", False)
    assert _run(seed, queue, latency_ms) == fast


def _fewer_calls(monkeypatch, case, counted, flag) -> tuple[int, int]:
    """Calls of `counted` (owner, name) in a run with the shortcut `flag` (owner, name)
    on, then off; asserts both runs' results are identical."""
    calls = []
    _count(monkeypatch, *counted, calls)
    fast = _run(*case)
    fast_calls, calls[:] = len(calls), []
    monkeypatch.setattr(*flag, False)
    assert _run(*case) == fast
    return fast_calls, len(calls)


@pytest.mark.parametrize("case", CASES)
def test_reading_the_mid_only_when_the_sequence_moved_changes_no_result(monkeypatch, case):
    fast, slow = _fewer_calls(monkeypatch, case, (run_mod, "engine_mid"),
                              (run_mod._Loop, "mid_by_seq"))
    assert fast < slow * 0.95                       # fewer reads of the mid


@pytest.mark.parametrize("case", CASES)
def test_no_listener_for_tradeless_batches_changes_no_result(monkeypatch, case):
    from souq.mm.backtest.runner import BacktestRunner
    fast, slow = _fewer_calls(monkeypatch, case, (BacktestRunner, "record"),
                              (Replay, "quiet_batches"))
    assert fast < slow - 1000                       # the listener was spared, often


@pytest.mark.parametrize("seed,queue,latency_ms", CASES)
def test_sorting_only_stale_levels_changes_no_result(monkeypatch, seed, queue, latency_ms):
    fast = _run(seed, queue, latency_ms)
    monkeypatch.setattr(Replay, "stale_only", False)
    assert _run(seed, queue, latency_ms) == fast


def test_a_sure_crossing_is_counted_as_the_engine_would_count_it(monkeypatch):
    """The engine refuses the same orders the shortcut skips: skipped counts agree, and
    with the shortcut off the engine is asked (more commands)."""
    from souq.mm.backtest.setup import data_exchange
    ex = data_exchange(config())
    seen = []
    r = Replay(ex, "ETH-USDT", seen.extend)
    tick = 10_000_000
    r.level(1, "buy", 350_000 * tick, 10 * 100_000)
    r.level(1, "sell", 350_000 * tick, 10 * 100_000)   # crosses the bid: skipped
    r.level(1, "sell", 349_999 * tick, 10 * 100_000)   # through it: skipped
    assert r.skipped == 2
    seq = ex.seq
    monkeypatch.setattr(Replay, "skip_crossing", False)
    r.level(1, "sell", 350_000 * tick, 10 * 100_000)
    assert r.skipped == 3 and ex.seq == seq + 1
    assert not ex.symbols["ETH-USDT"].asks
