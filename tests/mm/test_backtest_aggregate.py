"""The aggregate fast path (mm/backtest/aggregate.py) against the full path (every market
event an engine command, mm/backtest/replay.py): differential.

1. Scripted fuzz on the replay itself: random book levels, trades and snapshots on a
   narrow price range (a few off the grid), and own orders placed, amended and cancelled
   among them (joining levels with depth ahead, quoting through the book, on empty
   sides), applied to both paths on fresh exchanges under both queue models. After
   every step: the same own
   orders and wallets, the same trades with the strategy in them (price, qty, side, fees),
   the same skips, mid, last price and the same book as the strategy reads it.
2. Whole backtests on seeded synthetic data sets, with and without latency, both queue
   models: byte-identical results (fills, fees, orders, equity, PnL, figures).
"""
import random

import pytest

from souq.engine.commands import AmendOrder, CancelOrder, PlaceOrder
from souq.engine.events import Trade
from souq.mm.backtest.aggregate import AggregateReplay
from souq.mm.backtest.aggregate_venue import AggregateVenue
from souq.mm.backtest.bench import config, synthetic_data
from souq.mm.backtest.models import Latency, queue_model
from souq.mm.backtest.replay import Replay
from souq.mm.backtest.run import Spec, _DataLoop, run_backtest
from souq.mm.backtest.setup import data_exchange
from souq.mm.desk.book import book_of
from souq.mm.desk.mark import engine_mid

TICK, LOT = 10_000_000, 100_000
USER = "mm-bench"
SYMBOL = "ETH-USDT"


class Side:
    """One path: an exchange, its replay, the strategy's own trades as it heard them."""

    def __init__(self, aggregate: bool, queue: str) -> None:
        self.ex = data_exchange(config())
        self.own = []
        cls = AggregateReplay if aggregate else Replay
        kw = {"user": USER} if aggregate else {}
        self.r = cls(self.ex, SYMBOL, self.hear, queue_model(queue), **kw)
        self.venue = AggregateVenue(lambda: self.ex, None, self.r) if aggregate else None

    def hear(self, trades) -> None:
        for t in trades:
            assert type(t) is Trade
            if USER in (t[6].user.name, t[7].user.name):
                mine = t[6].cid if t[6].user.name == USER else t[7].cid
                self.own.append((t[2], t[4], t[5], t[8], t[9], t[10], mine))

    def mine(self, cmd, ts):
        if self.venue is not None:          # as the backtest runner tells the replay
            if type(cmd) is PlaceOrder:
                self.r.prepare(ts, cmd.symbol, cmd.side, cmd.price)
            elif type(cmd) is AmendOrder:
                o = self.ex.users[USER].orders.get(cmd.cid)
                if o is not None and o.is_open:
                    self.r.prepare(ts, SYMBOL, o.side,
                                   o.price if cmd.price is None else cmd.price)
        out = self.ex.apply(cmd, ts, USER)
        self.hear([e for e in out.events if type(e) is Trade])
        return out.reason

    def state(self):
        u = self.ex.users[USER]
        orders = {c: (o.status, o.price, o.qty, o.filled) if o.is_open else repr(o)
                  for c, o in u.orders.items()}
        sym = self.ex.symbols[SYMBOL]
        if self.venue is not None:
            book = self.venue.book(SYMBOL, 50)
            mid = self.r.mid(USER)
        else:
            book = book_of(sym, 50)
            mid = engine_mid(sym, USER)
        return (orders, dict(u.wallets), list(self.own), self.r.skipped, mid, sym.last,
                book.bids, book.asks)


def _script(seed: int, n: int):
    """Random market events and own commands on 3499.90 .. 3500.10."""
    rng = random.Random(seed)
    out, ts, cid = [], 1, 0
    for _ in range(n):
        ts += rng.choice((0, 1, 1000))
        r = rng.random()
        price = (350_000 + rng.randint(-10, 10)) * TICK
        side = rng.choice(("buy", "sell"))
        odd = rng.random() < 0.02           # off the grid: the engine's refusals apply
        if r < 0.45:
            size = rng.choice((0, rng.randint(1, 40))) * LOT
            out.append(("level", ts, side, price + odd, size + (odd and rng.random() < .5)))
        elif r < 0.65:
            out.append(("trade", ts, side, price, rng.randint(1, 60) * LOT + odd))
        elif r < 0.67:
            out.append(("snapshot", ts))
        elif r < 0.80:
            cid += 1
            out.append(("place", ts, f"o{cid}", side, price, rng.randint(1, 30) * LOT,
                        rng.choice(("gtc", "gtc", "post_only", "ioc"))))
        elif r < 0.90 and cid:
            c = f"o{rng.randint(1, cid)}"
            if rng.random() < 0.5:
                out.append(("amend", ts, c, price, None))
            else:
                out.append(("amend", ts, c, None, rng.randint(1, 30) * LOT))
        elif cid:
            out.append(("cancel", ts, f"o{rng.randint(1, cid)}"))
    return out


def _play(side: Side, op) -> None:
    kind, ts = op[0], op[1]
    r = side.r
    if kind == "level":
        r.level(ts, op[2], op[3], op[4])
    elif kind == "trade":
        r.trade(ts, op[2], op[3], op[4])
    elif kind == "snapshot":
        r._end_snapshot(ts) if r._snap is not None else None
        r._snap = (ts, r._known_levels())
    elif kind == "place":
        side.mine(PlaceOrder(user=USER, cid=op[2], symbol=SYMBOL, side=op[3], type="limit",
                             qty=op[5], price=op[4], tif=op[6]), ts)
    elif kind == "amend":
        side.mine(AmendOrder(user=USER, cid=op[2], price=op[3], qty=op[4]), ts)
    elif kind == "cancel":
        side.mine(CancelOrder(user=USER, cid=op[2]), ts)


@pytest.mark.parametrize("queue", ["pessimistic", "probabilistic"])
@pytest.mark.parametrize("seed", range(6))
def test_the_aggregate_replay_matches_the_full_one_step_by_step(seed, queue):
    full, fast = Side(False, queue), Side(True, queue)
    script = _script(seed, 1500)
    for i, op in enumerate(script):
        if op[0] == "level" and full.r._snap is not None:
            full.r._snap[1].discard((op[2], op[3]))
            fast.r._snap[1].discard((op[2], op[3]))
        _play(full, op)
        _play(fast, op)
        assert fast.state() == full.state(), (i, op)
    assert len(full.own) > 50                       # the strategy traded, often
    assert fast.ex.seq < full.ex.seq                # and the fast path used fewer commands


def _backtest(seed: int, queue: str, latency_ms: int, aggregate: bool, monkeypatch):
    monkeypatch.setattr(_DataLoop, "aggregate", aggregate)
    events = synthetic_data(5_000, seed)
    ns = latency_ms * 1_000_000
    spec = Spec(config(), data="synthetic", seed=seed, queue_model=queue_model(queue),
                latency_ns=ns, latency=Latency(ns, ns))
    return run_backtest(spec, data_source=lambda name, start, end: iter(events)).to_json()


@pytest.mark.parametrize("seed,queue,latency_ms", [
    (1, "pessimistic", 0), (2, "probabilistic", 0), (3, "pessimistic", 10),
    (4, "probabilistic", 5)])
def test_whole_backtests_are_byte_identical(monkeypatch, seed, queue, latency_ms):
    fast = _backtest(seed, queue, latency_ms, True, monkeypatch)
    assert _backtest(seed, queue, latency_ms, False, monkeypatch) == fast
