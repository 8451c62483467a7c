"""One backtest: a strategy configuration on a scenario's simulated market or on replayed
market data, through the real engine, stepped in simulated time.

The strategy decides every STEP of market time (MemoryRunner, via BacktestRunner's
latency line); equity, inventory and the mark are sampled every second of market time;
every change of the mid is kept for markouts. Mid and mark are the market's without the
strategy's own orders, and equity is valued at the mark (mm/desk/mark.py), as live. At one nanosecond the market moves first, then
own commands that arrive then, then the strategy decides, then the sample is taken.
Spec and Result live in mm/backtest/spec.py (imported here, as before).
"""
import dataclasses

from souq.db.collector import paused_gc
from souq.engine.numbers import fmt, fmt_amount
from souq.mm.desk.mark import engine_mark, engine_mid, mark
from souq.mm.marketdata.events import BookEvent, TradeEvent
from souq.mm.sim.tape import TapeDriver
from souq.engine.timeunits import SECOND
from souq.mm.display import number

from .models import MAX_LATENCY
from .aggregate import AggregateReplay, usable
from .aggregate_venue import AggregateVenue
from .replay import SIDES, Replay
from .runner import BacktestRunner
from .scenario import resolve
from .spec import Result, Spec
from . import datasets
from .setup import data_exchange, scenario_exchange

STEP = 50_000_000                   # the strategy decides every 50 ms of market time
SAMPLE = SECOND
DEFAULT_DURATION = 60 * SECOND      # scenario runs without a duration
MAX_DURATION = 86_400 * SECOND      # a scenario simulates at most one day of market time


def run_backtest(spec: Spec, *, data_source=None, progress=None, data_info=None) -> Result:
    """Run `spec`. `data_source(name, start, end)` yields the data set's events in time
    order (mm.marketdata.load bound to a connection); `data_info(name)` its md_sets row,
    to check the sets against the configuration first (mm.backtest.datasets);
    `progress(done, total)` is called now and then with market time done and the total
    (None when unknown)."""
    if (spec.data is None) == (spec.scenario is None):
        raise ValueError("a backtest needs exactly one of data or scenario")
    if spec.trades is not None and spec.data is None:
        raise ValueError("--trades goes with --data BOOK (a book data set)")
    lat = spec.latencies()
    if not (0 <= spec.latency_ns <= MAX_LATENCY and 0 <= lat.entry_ns <= MAX_LATENCY
            and 0 <= lat.response_ns <= MAX_LATENCY):
        raise ValueError(f"latency must be from 0 to {MAX_LATENCY // 1_000_000} ms")
    if spec.duration_ns is not None and not 0 < spec.duration_ns <= MAX_DURATION:
        raise ValueError(f"duration must be positive and at most {number(MAX_DURATION // SECOND)} s")
    if spec.start is not None and spec.end is not None and spec.end <= spec.start:
        raise ValueError("the window's end must come after its start")
    cfg = dict(spec.config)
    if spec.overrides:
        from souq.mm.desk.params import validate
        from souq.mm.desk.strategy import template
        cfg["params"] = validate(template(cfg["template"]).spec(), spec.overrides,
                                 base=dict(cfg["params"]))
    spec = dataclasses.replace(spec, config=cfg)
    if spec.data is not None:
        if data_source is None:
            raise ValueError("a data backtest needs a data source")
        if data_info is not None:
            datasets.check(cfg, spec.data, spec.trades, data_info)
        loop = _DataLoop(spec, datasets.events(data_source, spec.data, spec.trades,
                                               spec.start, spec.end), progress)
    else:
        loop = _ScenarioLoop(spec, progress)
    # the cyclic collector held off for the run (db/collector.py's paused_gc): the replay
    # makes millions of short-lived containers, each counting toward a collection that
    # walks the whole growing state (the engine's orders, the result); they hold no
    # cycles, so reference counting frees them all the same (a run of 100,000 events
    # leaves about 4,600 objects in cycles, collected after it)
    with paused_gc():
        result = loop.run()
        result.figures = figures(result)
    return result


def figures(result: Result) -> dict:
    """souq.mm.analytics.figures when it is installed; else a minimal set computed here."""
    try:
        from souq.mm.analytics import figures as full
    except ImportError:
        full = None
    if full is not None:
        return full(result)
    last = result.series[-1] if result.series else None
    return {"pnl": fmt_amount(last[1]) if last else "0",
            "trades": len(result.fills),
            "fees": fmt_amount(sum(f.fee for f in result.fills)),
            "max_inventory": fmt(max((abs(q) for _, _, q, _ in result.series), default=0)),
            "orders": len(result.orders), "minimal": True}


class _Loop:
    """What both kinds share: the strategy, its latency line, samples and mids."""

    def __init__(self, spec: Spec, ex, progress) -> None:
        self.spec = spec
        self.ex = ex
        lat = spec.latencies()
        spec.fee_model.apply(ex)
        self.runner = BacktestRunner(ex, spec.config, latency_ns=lat.entry_ns,
                                     response_ns=lat.response_ns)
        self.sym = ex.symbols[self.runner.symbol]
        self.progress = progress
        self.result = Result(spec.describe())
        self.mid = None
        self._mid_seq = -1          # the exchange's sequence when the mid was last read
        self.next_step = self.next_sample = 0

    def begin(self, t0: int) -> None:
        self.runner.start(t0)
        self.next_step = self.next_sample = t0
        self.note_mid(t0)

    mid_by_seq = True       # shortcut: the book moves only with the exchange's sequence

    def note_mid(self, ts: int) -> None:
        """Keep each change of the market's mid, the strategy's own orders left out. The
        mid is read again only when the exchange applied a command since the last read
        (`mid_by_seq`; every change of a book is a command, which moves `ex.seq`)."""
        if self.mid_by_seq:
            seq = self.book_version()
            if seq == self._mid_seq:
                return
            self._mid_seq = seq
        mid = self.market_mid()
        if mid != self.mid:
            self.mid = mid
            if mid is not None:
                self.result.mids.append((ts, mid))

    def book_version(self):
        """Moves whenever the replayed book may have changed: the exchange's sequence."""
        return self.ex.seq

    def market_mid(self) -> int | None:
        """The mid of the strategy's symbol, its own orders left out."""
        return engine_mid(self.sym, self.runner.user)

    def market_mark(self, name: str) -> int | None:
        """The mark of symbol `name`, the strategy's own orders left out."""
        return engine_mark(self.ex.symbols[name], self.runner.user)

    def until(self, t: int, inclusive: bool) -> None:
        """Own arrivals, decisions and samples due before market time t (or at t)."""
        r = self.runner
        while True:
            due = r.next_due()
            nxt = min(self.next_step, self.next_sample) if due is None else min(
                due, self.next_step, self.next_sample)
            if nxt > t or (nxt == t and not inclusive):
                return
            if due is not None and due == nxt:
                r.deliver(nxt)
                self.note_mid(nxt)
            elif self.next_step == nxt:
                self.next_step += STEP
                r.step(nxt)
                self.note_mid(nxt)
            else:
                self.next_sample += SAMPLE
                self.sample(nxt)

    def sample(self, ts: int) -> None:
        r = self.runner
        at = mark(self.mid, self.sym.last)
        marks = {s: self.market_mark(s) for s in r.watch}
        marks[r.symbol] = at
        inventory, value = r.value(r.venue(), None, marks, ts)
        self.result.series.append((ts, value, inventory, at))

    def finish(self, end: int) -> Result:
        r = self.runner
        self.until(end, inclusive=False)
        r.stop(end, "backtest over")
        r.deliver(end + max(r.latency, r.response))
        self.note_mid(end)
        self.sample(end)
        res = self.result
        res.markets = {name: (sym.spec.base, sym.spec.quote, self.market_mark(name))
                       for name, sym in self.ex.symbols.items()}
        res.fills, res.orders = r.fills, r.orders()
        res.stopped, res.reason = r.done or "stopped", r.reason or ""
        res.alerts = [{"ts": a.ts, "severity": a.severity, "kind": a.kind, "text": a.text}
                      for a in r.sink.alerts]
        return res


class _ScenarioLoop(_Loop):
    """The demo exchange with the simulator as everyone else, from time 0."""

    def __init__(self, spec: Spec, progress) -> None:
        super().__init__(spec, scenario_exchange(spec.config), progress)
        params, shocks = resolve(spec.scenario).build(spec.seed, spec.scenario_params,
                                                      symbols=tuple(self.runner.watch))
        if not params.symbols:
            params = dataclasses.replace(params, symbols=tuple(self.runner.watch))
        self.driver = TapeDriver(self.ex, params, spec.seed, runners=[self.runner],
                                 id_prefix="sim")
        self.shocks = sorted(shocks, key=lambda x: x.at_ns)   # mm.scenarios.Shock
        self.duration = spec.duration_ns if spec.duration_ns is not None else DEFAULT_DURATION

    def run(self) -> Result:
        d, end = self.driver, self.duration
        d.start(0)
        self.begin(0)
        shocks = list(self.shocks)
        t, events, tick = 0, 0, 0
        while True:
            t += STEP
            if t >= end:
                break
            while shocks and shocks[0].at_ns <= t:
                shocks.pop(0).apply(d)
            self.until(t, inclusive=False)
            report = d.step(t)
            events += len(report.commands)
            self.note_mid(t)
            self.until(t, inclusive=True)
            tick += 1
            if self.progress is not None and tick % 200 == 0:
                self.progress(t, end)
        self.result.events = events
        res = self.finish(end)
        if self.progress is not None:
            self.progress(end, end)
        return res


class _DataLoop(_Loop):
    """The data set's events through Replay; the clock starts at the window's start (or
    the first event) and ends at the window's end (or the last event). With `aggregate`
    (the default, where the symbol allows it) other participants' depth is kept as
    aggregate levels beside the engine (mm/backtest/aggregate.py): the same results,
    fewer engine commands."""
    aggregate = True

    def __init__(self, spec: Spec, events, progress) -> None:
        super().__init__(spec, data_exchange(spec.config), progress)
        self.events = events
        r = self.runner
        if self.aggregate and usable(self.sym):
            self.replay = AggregateReplay(self.ex, r.symbol, r.record, spec.queue_model,
                                          user=r.user)
            r._venue = AggregateVenue(lambda: self.ex, r.record, self.replay)
            r.before = self.replay.book.prepare
        else:
            self.replay = Replay(self.ex, r.symbol, r.record, spec.queue_model)

    def book_version(self):
        if type(self.replay) is AggregateReplay:
            return (self.ex.seq, self.replay.book.version)
        return self.ex.seq

    def market_mid(self) -> int | None:
        if type(self.replay) is AggregateReplay:
            return self.replay.book.mid(self.runner.user)
        return super().market_mid()

    def market_mark(self, name: str) -> int | None:
        if type(self.replay) is AggregateReplay and name == self.replay.symbol:
            return mark(self.replay.book.mid(self.runner.user), self.sym.last)
        return super().market_mark(name)

    def run(self) -> Result:
        spec, replay = self.spec, self.replay
        start, end = spec.start, spec.end
        total = None if start is None or end is None else end - start
        n, last, begun = 0, start, False
        r, ex = self.runner, self.ex
        notices, pending = r.notices, r.pending
        # the market events come in a tight loop that calls on the strategy's side (its
        # arrivals, notices, decisions and samples: `until`) only when one is due before
        # the event, and reads the mid only when the book may have moved (`note_mid`'s
        # own test, made here without the call); the common events go straight to the
        # aggregate replay's level and trade (what its apply would call)
        agg = type(replay) is AggregateReplay
        by_seq = self.mid_by_seq
        horizon = None          # the earliest decision, sample or arrival due: none yet
        seen = (None, None)     # (ex.seq, book.version) at the last mid read here
        seen_seq = seen_ver = None      # the same, for the aggregate replay
        user, mids = r.user, self.result.mids
        # the aggregate's typed book takes the common events itself (AggregateReplay's
        # level and trade only pass them on to it)
        book = replay.book if agg else replay
        level, trade, apply = book.level, book.trade, replay.apply
        for ev in self.events:
            ts = ev.ts
            if start is not None and ts < start or end is not None and ts >= end:
                continue
            if not begun:
                self.begin(start if start is not None else ts)
                begun = True
            if last is not None and ts < last:
                raise ValueError(f"data events out of time order at {ts}")
            if horizon is None or horizon < ts or (notices and notices[0][0] < ts):
                self.until(ts, inclusive=False)
                horizon = min(self.next_step, self.next_sample)
                if pending and pending[0][0] < horizon:
                    horizon = pending[0][0]
            t = type(ev)
            if agg and replay._snap is None and (t is BookEvent or t is TradeEvent):
                if t is BookEvent:
                    level(ts, SIDES[ev.side], ev.price, ev.size)
                else:
                    trade(ts, SIDES[ev.side], ev.price, ev.qty)
            else:
                apply(ev)
            if not by_seq:
                self.note_mid(ts)
            elif agg:           # note_mid, inline: the book's own mid, kept by version
                seq, ver = ex.seq, book.version
                if seq != seen_seq or ver != seen_ver:
                    seen_seq, seen_ver = seq, ver
                    self._mid_seq = (seq, ver)      # what note_mid's test reads
                    mid = book.mid(user)
                    if mid != self.mid:
                        self.mid = mid
                        if mid is not None:
                            mids.append((ts, mid))
            elif ex.seq != seen[0]:
                seen = (ex.seq, None)
                self.note_mid(ts)
            n += 1
            last = ts
            if self.progress is not None and n % 5000 == 0:
                self.progress(ts - (start or 0) if total else n, total)
        if not begun:
            raise ValueError(f"data set {spec.data!r} has no events in the window")
        stop = end if end is not None else last + STEP
        replay.finish(stop)
        self.result.events = n
        self.result.skipped = replay.skipped
        return self.finish(stop)
