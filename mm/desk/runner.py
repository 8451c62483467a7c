"""Runs one strategy configuration against an exchange: the only part of the desk that
touches one.

Each step reads the market (books, own open orders, own fills and the tape since the last
step), works out fair price, volatility and inventory, and then: strategy.decide ->
Controls.apply -> Risk.clip -> quote_engine.reconcile -> one batch of commands (cancels,
then places) acting as the strategy's user. Risk.assess watches equity first: a breach
cancels everything and stops the run (kill switch) before it raises its alert.

The pipeline reads the market and sends commands only through a Venue (mm/desk/venue.py):
the seam between the desk and an exchange. Two runners share the pipeline:
- ApiRunner: a database through db.api.Api (one transaction per decision), with its
  mm_runs row, samples, live configuration reloads and pause/stop requests; its venue is
  that database's exchange, or a remote souq (RemoteVenue), or one venue per symbol
  (RoutedVenue: quote on one, hedge on another);
- MemoryRunner: a bare engine Exchange, for tests, simulations and backtests.
Neither reads a clock: time is passed in (ns).
"""
import os
import signal
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy.exc import OperationalError

from souq.db import desk
from souq.db.api import Api
from souq.db.load import to_int
from souq.engine.events import trades_of
from souq.engine.model import ADMIN, OPERATOR
from souq.engine.numbers import QTY_TO_AMOUNT, fmt, fmt_amount
from souq.engine.stream import parse_command, trade_record
from souq.mm.display import decimals_of
from souq.mm.sim import ExchangeDriver
from souq.engine.timeunits import SECOND

from .alerts import INFO, WARNING, AlertRules, DbSink, MemorySink, sharpe_samples
from .book import to_float
from . import watchdog
from .configs import ConfigError, may_run
from .controls import Controls
from .fair import FairPrice
from .mark import equity, equity_all, mark, without_own
from .params import validate
from .quote_engine import Refresh, reconcile
from .quotes import BUY, SELL, Context, Fill, Live, Quote, Trade
from .report import sharpe
from .risk import Risk
from .signals import RealisedVol
from .strategy import template
from .venue import LocalVenue, RoutedVenue, TapeTrade as _T, Venue

DEPTH = 20                      # book levels per side a strategy sees
SAMPLE_EVERY = SECOND           # inventory/equity samples
POLL_EVERY = SECOND // 2        # run state and configuration version (ApiRunner)
SHARPE_WINDOW = 600             # samples the Sharpe alert looks back over


@dataclass
class StepReport:
    now: int
    commands: list[dict] = field(default_factory=list)
    reasons: list = field(default_factory=list)     # per command: None when accepted
    fills: tuple = ()
    wanted: list[Quote] = field(default_factory=list)   # after risk, before reconcile
    inventory: int = 0
    equity: int | None = None                       # 1e-18 quote, PnL since the start
    mid: int | None = None                          # the mark (mm/desk/mark.py)


class StrategyRunner:
    """The pipeline; subclasses say how the market is read and commands are applied."""

    def __init__(self, cfg: dict, *, prefix: str = "mm.", sink=None) -> None:
        self.cfg = cfg
        self.version = cfg["version"]          # the newest version seen, applied or not
        self.name, self.symbol, self.user = cfg["name"], cfg["symbol"], cfg["user"]
        self.prefix = prefix
        self.sink = sink if sink is not None else MemorySink()
        self.risk: Risk | None = None
        self._build(cfg)
        self.vol = RealisedVol()
        self.n = 0                              # client ids issued
        self.open: dict[str, int] = {}          # our open orders: client id -> placed ns
        self.started: int | None = None
        self.base0 = self.quote0 = 0            # 1e-18 totals at the start
        self.assets0: dict[tuple[int, str], int] = {}   # each watched wallet at the start
        self.same_wallet: frozenset[str] = frozenset()  # see Context.same_wallet
        self._unvalued: set[str] = set()        # legs already warned about
        self.trade_mark = 0                     # last trade id read
        self._tape: list[_T] = []               # trades recorded since the last step
        self.data_ts: int | None = None         # when the market was last read
        self.last_refresh: int | None = None
        self.force = True                       # next reconcile ignores the refresh interval
        self.paused = False
        self.done: str | None = None            # final state once stopped or killed
        self.reason: str | None = None
        self.samples: list[tuple[int, int, int, int | None]] = []  # (ts, q, equity, mark)
        self.points: deque = deque(maxlen=SHARPE_WINDOW)
        self._next_sample = 0
        self._sharpe: float | None = None
        self._sharpe_samples = 0        # equity changes among the points (alerts.py)
        self._guards: set[str] = set()
        self.equity: int | None = None
        self.inventory = 0
        self._mid_seen: int | None = None
        self._mids: list[tuple[int, int]] = []      # (ts, mid) not yet recorded
        self.desk: tuple[int, int] | None = None    # (desk limit, other runs' net) in base

    # ------------------------------------------------------------ subclass hooks
    def venue(self) -> Venue:
        """Where the market is read and commands go."""
        raise NotImplementedError

    def refresh(self) -> bool:
        """Catch up on what others did; False when the market could not be read (the
        stale-data guard then pulls the quotes once data_ts is old enough)."""
        return True

    def poll(self, now: int) -> None:
        """Look for outside requests (ApiRunner: its run row and configuration)."""

    def record(self, trades) -> None:
        """Engine trade tuples (Exchange.drain) as they are committed: the runner's own
        batches, and whatever else applies commands to the same exchange."""
        watch = self.watch
        for tid, _seq, ts, sym, price, qty, m, o, mfee, tfee, side in trades:
            if sym in watch:
                self._tape.append(_T(tid, ts, sym, price, qty, m.user.name, o.user.name,
                                     m.cid, o.cid, mfee, tfee, side))

    def new_trades(self) -> list[_T]:
        out, self._tape = self._tape, []
        return out

    def submit(self, cmds: list[dict], now: int) -> list:
        """Apply commands as the strategy's user in one batch; the reason per command."""
        raise NotImplementedError

    def record_samples(self, rows: list) -> None:
        """Keep (ts, inventory, equity, mark) rows somewhere that outlives the run."""

    def record_mids(self, rows: list) -> None:
        """Keep (ts, mid) observations of the market somewhere that outlives the run."""

    def record_fills(self, fills, books: dict) -> None:
        """Keep the run's own fills where the market's trades are not (a remote venue);
        `books` by symbol give each fill's base and quote."""

    def ended(self, now: int) -> None:
        """The run has stopped (self.done, self.reason)."""

    # ------------------------------------------------------------ configuration
    def _build(self, cfg: dict) -> None:
        cls = template(cfg["template"])
        text = validate(cls.spec(), cfg["params"])
        self.strategy = cls(text)
        p = self.p = self.strategy.p
        self.controls = Controls(p)
        peak = self.risk.peak if self.risk is not None else None
        self.risk = Risk(p)
        self.risk.peak = peak
        self.fair = FairPrice(p["fair_source"], p["ema_half_life"], p["fair_symbol"])
        self.refresh_rule = Refresh(p["order_refresh_time"], p["order_refresh_tolerance"],
                                    p["max_order_age"])
        # the books a strategy sees: its own, the cross fair's, any other *_symbol param
        self.watch = [self.symbol] + sorted({
            v for k, v in p.items() if k.endswith("_symbol") and isinstance(v, str) and v
            and v != self.symbol})
        self.rules = AlertRules(self.sink, p)

    def reload(self, cfg: dict, now: int) -> None:
        """Apply a newer version of the configuration at once (a live `souq mm set`).
        Symbol and user stay as the run started; the strategy starts afresh with the new
        parameters, risk keeps its equity peak."""
        if (cfg["symbol"], cfg["user"]) != (self.symbol, self.user):
            self.rules.emit(now, WARNING, "config", f"version {cfg['version']} changes the "
                            "symbol or user: restart the run to apply it")
        else:
            self._build(cfg)
            self.cfg = cfg
            self.rules.emit(now, INFO, "config", f"version {cfg['version']} applied")
            self.force = True
        self.version = cfg["version"]

    # ------------------------------------------------------------ life cycle
    def start(self, now: int) -> None:
        self.refresh()
        v = self.venue()
        for name in self.watch:
            if not v.has_symbol(name):
                raise ValueError(f"unknown symbol {name!r}")
        if not v.has_user(self.user):
            raise ValueError(f"unknown user {self.user!r}")
        self.base0, self.quote0 = self._totals(v)
        self.assets0 = self._assets(v)
        self.same_wallet = self._same_wallet(v)
        book = v.book(self.symbol, 1)
        self.rules.quote, self.rules.quote_dp = book.quote, decimals_of(fmt(book.tick))
        self.trade_mark = v.trade_seq()
        self._tape = []
        self.started = self.data_ts = now
        self._next_sample = now

    def step(self, now: int) -> StepReport:
        """One decision at time `now`."""
        report = StepReport(now)
        if self.done:
            return report
        if self.refresh():
            self.data_ts = now
        v = self.venue()
        books = {s: v.book(s, DEPTH) for s in self.watch}
        book = books[self.symbol]
        live = self._live(v)
        # the market without our own orders: what fair price, volatility and the mark see
        markets = {s: without_own(b, live) for s, b in books.items()}
        market = markets[self.symbol]
        fills, tape = self._read_trades()
        if fills:
            self.record_fills(fills, books)
        at = mark(market.mid, market.last)
        marks = {s: mark(m.mid, m.last) for s, m in markets.items()}
        self.inventory, value = self.value(v, markets, marks, now)
        if market.mid is not None:
            self.vol.update(now, to_float(market.mid))
        p = self.p
        ctx = Context(now, book, books, self.fair(now, market, markets), self.inventory,
                      p["target_inventory"], p["max_inventory"], live, fills, tape,
                      self.vol.value, self.started, {"data_ts": self.data_ts}, markets,
                      self.same_wallet)
        if self.desk is not None:        # the desk-wide net limit, others' runs included
            cap, others = self.desk
            net = others + self.inventory
            ctx.extra["desk_room"] = {BUY: cap - net, SELL: cap + net}
        report.fills, report.inventory, report.mid = fills, self.inventory, at
        self._observe(now, market.mid, fills, tape)
        for f in fills:
            self.strategy.on_fill(f, ctx)
            self.controls.on_fill(f, ctx)
        if at is not None:
            self.equity = report.equity = value
            breaches = self.risk.assess(ctx, self.equity, now)
            if breaches:
                self.kill(now, "; ".join(b.text for b in breaches))
                return report
            self._sample(now, at)
            self.rules.check(ctx, self.equity, self.risk.peak, self._sharpe,
                             self._sharpe_samples)
        self._quote(ctx, report)
        self.sink.poll()
        return report

    def _quote(self, ctx: Context, report: StepReport) -> None:
        if self.paused:
            wanted = []
        else:
            wanted = self.strategy.decide(ctx)
            wanted = self.controls.apply(wanted, ctx)
        wanted = self.risk.clip(wanted, ctx)
        guards = {g.kind for g in self.risk.guards}
        self.rules.guards(ctx.now, self.risk.guards)
        force = self.force or bool(ctx.fills) or guards != self._guards
        self._guards = guards
        report.wanted = wanted
        cancels, places, amends = [], [], []
        for sym in self.watch:
            mine = [q for q in wanted if (q.symbol or self.symbol) == sym]
            live = tuple(o for o in ctx.live if o.symbol == sym)
            if not mine and not live:
                continue
            plan = reconcile(mine, live, ctx.now, ctx.books[sym].tick, self.refresh_rule,
                             self.last_refresh, force=force)
            cancels += plan.cancels
            places += [(sym, q) for q in plan.places]
            amends += plan.amends
        self.force = False
        if cancels or places or amends:
            self.last_refresh = ctx.now
            self._send(ctx.now, cancels, places, report, amends)

    def _send(self, now: int, cancels: list[Live], places, report: StepReport,
              amends=()) -> None:
        cmds = [{"op": "cancel", "id": o.cid, "user": self.user} for o in cancels]
        cmds += [amend_command(o, q, self.user) for o, q in amends]
        requeued = {o.cid for o, q in amends if q.price != o.price or q.qty > o.remaining}
        for sym, q in places:
            self.n += 1
            cmd = {"op": "limit", "id": f"{self.prefix}{self.n}", "user": self.user,
                   "symbol": sym, "side": q.side, "price": fmt(q.price), "qty": fmt(q.qty),
                   "stp": "cancel_newest"}
            if q.tif != "gtc":
                cmd["tif"] = q.tif
            cmds.append(cmd)
        reasons = self.submit(cmds, now)
        for cmd, reason in zip(cmds, reasons):
            if cmd["op"] == "cancel":
                self.open.pop(cmd["id"], None)
            elif cmd["op"] == "amend":
                if reason is not None:      # filled or gone meanwhile: look again next step
                    self.force = True
                elif cmd["id"] in requeued:
                    self.open[cmd["id"]] = now      # at the back of the queue: a new age
            elif reason is None and cmd.get("tif") is None:
                self.open[cmd["id"]] = now
        self.rules.rejections(now, [r for c, r in zip(cmds, reasons)
                                    if r is not None and c["op"] == "limit"])
        report.commands, report.reasons = cmds, reasons

    def cancel_all(self, now: int) -> int:
        """Take every order of this run off the book; how many there were."""
        self.refresh()
        live = self._live(self.venue())
        if live:
            self._send(now, list(live), [], StepReport(now))
        self.force = True
        return len(live)

    def pause(self, now: int) -> None:
        self.paused = True
        self.cancel_all(now)

    def resume(self) -> None:
        self.paused, self.force = False, True

    def stop(self, now: int, reason: str, state: str = "stopped") -> None:
        """Cancel all of this run's orders and end it."""
        if self.done:
            return
        self.cancel_all(now)
        self._end(now, state, reason)

    def kill(self, now: int, what: str) -> None:
        """The kill switch: cancel all, stop, then say what happened and what was done."""
        n = self.cancel_all(now)
        self._end(now, "killed", f"kill switch: {what}")
        self.rules.kill(now, what, f"cancelled {n} open order{'s' if n != 1 else ''} and "
                                   "stopped the run")
        self.sink.poll()

    def _end(self, now: int, state: str, reason: str) -> None:
        self.done, self.reason = state, reason
        fills, _ = self._read_trades()   # taken by the cancels' refresh: keep them too
        if fills:
            v = self.venue()
            self.record_fills(fills, {f.symbol: v.book(f.symbol, 1) for f in fills})
        if self.equity is not None:     # valued as the last step did, on the wallets now
            v = self.venue()
            marks = {s: v.mark(s, self.user) for s in self.watch}
            at = marks[self.symbol]
            if at is not None:
                self.inventory, self.equity = self.value(v, None, marks, now)
            self._sample(now, at, force=True)
        self.ended(now)

    # ------------------------------------------------------------ reading
    def _totals(self, v: Venue) -> tuple[int, int]:
        """The user's (base, quote) totals in this run's symbol, at 1e-18."""
        return v.totals(self.user, self.symbol)

    @staticmethod
    def _place(v: Venue, symbol: str) -> Venue:
        """The venue that holds `symbol`'s wallets (one of a RoutedVenue's, else v)."""
        return v.of(symbol) if isinstance(v, RoutedVenue) else v

    def _assets(self, v: Venue, books=None) -> dict[tuple[int, str], int]:
        """The user's total (available + held, 1e-18) of every asset of a watched symbol,
        keyed by (the venue holding it, the asset): the same currency at two venues is
        two wallets. `books`: the watched symbols' Books when the caller has them."""
        out = {}
        for s in self.watch:
            book = books[s] if books else v.book(s, 1)
            place = id(self._place(v, s))
            out[(place, book.base)], out[(place, book.quote)] = v.totals(self.user, s)
        return out

    def _same_wallet(self, v: Venue) -> frozenset[str]:
        """Watched symbols whose base is the own base in the same wallet (same venue): a
        fill there already moves the inventory (see Context.same_wallet)."""
        own, place = v.book(self.symbol, 1).base, self._place(v, self.symbol)
        return frozenset(s for s in self.watch if s != self.symbol
                         and self._place(v, s) is place and v.book(s, 1).base == own)

    def value(self, v: Venue, books, marks: dict, now: int) -> tuple[int, int]:
        """(inventory in own-base lots, PnL since the start at 1e-18 of the own quote;
        without a mark of the own symbol, the quote change alone, as `mark.equity` says),
        valuing every leg the run trades: a hedger's hedge symbol counts too, converted
        by the watched marks (`marks`: symbol -> mark at 1e-9 or None; `books`: symbol ->
        Book when at hand, else read from `v`). The kill switch, the samples, `mm status`
        and the backtest's equity series all read this. A leg that cannot be converted
        counts 0 and raises a warning once, naming it."""
        base, quote = self._totals(v)
        inventory = (base - self.base0) // QTY_TO_AMOUNT
        at = marks.get(self.symbol)
        if at is None or len(self.watch) == 1:
            return inventory, equity(base - self.base0, quote - self.quote0, at)
        books = books or {s: v.book(s, 1) for s in self.watch}
        markets = {s: (books[s].base, books[s].quote, marks.get(s)) for s in self.watch}
        deltas: dict[str, int] = {}
        for (place, asset), total in self._assets(v, books).items():
            deltas[asset] = deltas.get(asset, 0) + total - self.assets0.get((place, asset), 0)
        value, unvalued = equity_all(deltas, books[self.symbol].quote, markets)
        for asset in unvalued:
            if asset not in self._unvalued:
                self._unvalued.add(asset)
                self.rules.emit(now, WARNING, "unvalued_leg",
                                f"{asset} moved but no watched symbol prices it in "
                                f"{books[self.symbol].quote}: the PnL and the kill switch "
                                "leave it out")
        return inventory, value

    def _live(self, v: Venue) -> tuple[Live, ...]:
        """This run's open orders, as the venue holds them now."""
        out = []
        for cid, placed in list(self.open.items()):
            o = v.open_order(self.user, cid)
            if o is None:
                del self.open[cid]
                continue
            out.append(Live(cid, o.symbol, o.side, o.price, o.qty, o.qty - o.filled, placed))
        return tuple(out)

    def _read_trades(self) -> tuple[tuple[Fill, ...], tuple[Trade, ...]]:
        fills, tape = [], []
        user = self.user
        for t in self.new_trades():
            self.trade_mark = max(self.trade_mark, t.tid)
            tape.append(Trade(t.ts, t.symbol, t.price, t.qty, t.taker_side))
            if t.taker_user == user:
                fills.append(Fill(t.ts, t.symbol, t.taker_side, t.price, t.qty, t.taker_fee,
                                  t.taker_cid))
            if t.maker_user == user:
                side = SELL if t.taker_side == BUY else BUY
                fills.append(Fill(t.ts, t.symbol, side, t.price, t.qty, t.maker_fee,
                                  t.maker_cid))
        return tuple(fills), tuple(tape)

    def _observe(self, now: int, mid: int | None, fills, tape) -> None:
        """Note the market's mid (own orders left out) when it changed or when fills came
        in, stamped no earlier than the newest trade read: so each fill has the mid seen
        before it and the first one seen after it (markouts, market impact)."""
        if mid is None or (mid == self._mid_seen and not fills):
            return
        stamp = max([now] + [t.ts for t in tape])
        self._mid_seen = mid
        self._mids.append((stamp, mid))

    def _sample(self, now: int, at: int | None, *, force: bool = False) -> None:
        """Keep (ts, inventory, equity, mark) about once a second (`force`: now)."""
        if now < self._next_sample and not force:
            return
        self._next_sample = now + SAMPLE_EVERY
        row = (now, self.inventory, self.equity, at)
        self.samples.append(row)
        self.points.append((now, self.equity))
        self._sharpe = sharpe(list(self.points))
        self._sharpe_samples = sharpe_samples(self.points)
        self.record_samples([row])
        mids, self._mids = self._mids, []
        self.record_mids(mids)


class MemoryRunner(StrategyRunner):
    """On a bare engine Exchange, acting as the strategy's user. The engine hands each
    trade out once, to whoever drains it: the runner drains its own batches, and whatever
    else applies commands to the same exchange passes its trades to `record` (TapeDriver
    does, for the simulator)."""

    def __init__(self, ex, cfg: dict, *, prefix: str = "mm.", sink=None) -> None:
        super().__init__(cfg, prefix=prefix, sink=sink)
        self.ex = ex
        self._venue = LocalVenue(lambda: self.ex, None)

    def venue(self) -> Venue:
        return self._venue

    def submit(self, cmds, now):
        ex = self.ex
        outcomes = [ex.apply(parse_command(c, extended=True), now, self.user) for c in cmds]
        self.record(trades_of(outcomes))
        return [o.reason for o in outcomes]


class TapeDriver(ExchangeDriver):
    """The demo market simulator on the same bare Exchange as in-memory runners, passing
    each batch's trades on to them."""

    def __init__(self, ex, params, seed: int, runners=(), **kw) -> None:
        super().__init__(ex, params, seed, **kw)
        self.runners = list(runners)

    def submit(self, cmds, now):
        ex, actor = self.ex, self.actor
        outcomes = [ex.apply(parse_command(obj, extended=True), now, actor) for obj in cmds]
        reasons, trades = [o.reason for o in outcomes], trades_of(outcomes)
        for r in self.runners:
            r.record(trades)
        return reasons, [trade_record(t) for t in trades]


class ApiRunner(StrategyRunner):
    """On a database through db.api.Api, acting as the configuration's user: one
    transaction per decision, an mm_runs row, samples, alerts in the alert log, live
    configuration reloads and pause/stop requests read from its own run row."""

    def __init__(self, url: str | None, name: str, *, mode: str = "live",
                 on_critical: str | None = None, requester: str = OPERATOR,
                 clock=time.time_ns, store=None, venue: Venue | None = None) -> None:
        self.api = Api(url, actor=requester, clock=clock)   # the journal's times
        self._shared = store is not None
        if store is not None:       # one in-memory exchange for everything in this process
            self.api._store = store
        cfg = self.api.read(desk.config, name)
        if cfg is None:
            raise ValueError(f"no strategy configuration {name!r}")
        if requester != cfg["user"] and self.api.role() != ADMIN:
            raise ValueError(f"{requester} may not run {name}: it trades as {cfg['user']}")
        self.api.actor = cfg["user"]
        self.engine = self.api.db
        self.mode = mode
        self.run_id: int | None = None
        self._next_poll = 0
        super().__init__(cfg, sink=DbSink(self.engine, name, on_critical))
        self.remote = venue is not None         # the market is elsewhere: a gateway
        self._venue = venue if venue is not None else LocalVenue(
            self.exchange, lambda cmds: [o.reason for o in self.api.execute_many(cmds).outcomes])
        # trades reach the runner as the store commits or catches up on them: no query
        self.api.store.trade_listeners.append(self.record)

    def exchange(self):
        """This database's exchange (the configuration's home; the venue unless remote)."""
        return self.api.store.ex

    def venue(self) -> Venue:
        return self._venue

    def refresh(self) -> bool:
        try:
            self.api.store.refresh()
        except OperationalError:        # locked or unreachable past the busy timeout
            return False
        if not self.remote:
            return True
        ok = self._venue.refresh()
        self._tape += self._venue.take_trades(self.watch)
        return ok

    def record(self, trades) -> None:
        if not self.remote:             # a remote run's trades are the venue's, not these
            super().record(trades)

    def submit(self, cmds, now):
        return self._venue.submit(cmds, self.user)

    def start(self, now: int) -> None:
        """Refuse a second run of the same configuration, clear what a dead earlier run
        left on the book, then write the run row (state running)."""
        with self.engine.connect() as conn:
            active = desk.active_run(conn, self.name)
            earlier = {r["id"] for r in desk.runs(conn, self.name)}
        may_run(self.api.read(desk.config, self.name), "exchange")
        if active is not None:
            why = watchdog.why_dead(active, now)
            if why is None:
                raise ValueError(f"{self.name} is already running (run {active['id']}, "
                                 f"pid {active['pid']})")
            watchdog.bury(self.api, active, why, now)
        super().start(now)
        self._clear_leftovers(earlier, now)
        v = self.venue()
        v.refresh()
        self.base0, self.quote0 = self._totals(v)
        self.assets0 = self._assets(v)
        self.run_id = desk.start_run(self.engine, self.name, self.cfg["version"], self.mode,
                                     now, self.exchange().seq, fmt_amount(self.base0),
                                     fmt_amount(self.quote0), pid=os.getpid())
        self.prefix = f"mm{self.run_id}."

    def _clear_leftovers(self, run_ids: set[int], now: int) -> None:
        stale = [cid for cid in self.venue().open_cids(self.user)
                 if cid.startswith("mm") and _run_of(cid) in run_ids]
        if stale:
            self.submit([{"op": "cancel", "id": cid, "user": self.user} for cid in stale], now)

    def poll(self, now: int) -> None:
        """About every 0.5 s: beat the heartbeat, act on the run row's state and on a newer
        configuration, and bury any other run whose runner died (mm.desk.watchdog)."""
        if now < self._next_poll or self.done:
            return
        self._next_poll = now + POLL_EVERY
        desk.beat(self.engine, self.run_id, now)
        with self.engine.connect() as conn:
            row = desk.run(conn, self.run_id)
            latest = desk.config(conn, self.name)
            self.desk = self._desk_limit(conn)
        state = row["state"]
        if state == "dead":     # declared dead while we were stuck: the watcher pulled the
            self.done, self.reason = "dead", row["reason"]      # quotes; touch nothing more
            return
        watchdog.reap(self.api, now, skip=self.run_id)     # every runner watches the others
        if state in ("stopping", "stopped", "killed"):
            final = "killed" if state == "killed" else "stopped"
            self.stop(now, row["reason"] or f"{final} on request", final)
            return
        if state == "paused" and not self.paused:
            self.pause(now)
        elif state == "running" and self.paused:
            self.resume()
        try:
            may_run(latest, "exchange")
        except ConfigError as exc:      # demoted or retired while running: stop now
            self.stop(now, f"stopped: {exc}")
            return
        if latest is not None and latest["version"] > self.version:
            self.reload(latest, now)
            if self.cfg["version"] == latest["version"]:       # applied, not refused
                desk.set_run_version(self.engine, self.run_id, latest["version"])

    def _desk_limit(self, conn) -> tuple[int, int] | None:
        """The desk's net limit in our base asset and what the other active runs in that
        asset hold (their latest samples: up to a second and a half old)."""
        syms = self.exchange().symbols
        base = self.venue().book(self.symbol, 1).base
        cap = desk.desk_limits(conn).get(base)
        if cap is None:
            return None
        others = sum(to_int(r["inventory"]) for r in desk.active_inventories(conn)
                     if r["run"] != self.run_id and r["inventory"] is not None
                     and r["symbol"] in syms and syms[r["symbol"]].base == base)
        return to_int(cap), others

    def record_samples(self, rows) -> None:
        desk.add_samples(self.engine, self.run_id, [
            (ts, fmt(q), fmt_amount(e), None if mid is None else fmt(mid))
            for ts, q, e, mid in rows])

    def record_mids(self, rows) -> None:
        desk.add_mids(self.engine, self.run_id, [(ts, fmt(mid)) for ts, mid in rows])

    def record_fills(self, fills, books: dict) -> None:
        if not self.remote:             # the trades table has them
            return
        desk.add_fills(self.engine, self.run_id, [
            {"ts": f.ts, "symbol": f.symbol, "base": books[f.symbol].base,
             "quote": books[f.symbol].quote, "side": f.side, "price": fmt(f.price),
             "qty": fmt(f.qty), "fee": fmt_amount(f.fee), "cid": f.cid}
            for f in fills if f.symbol in books])

    def ended(self, now: int) -> None:
        # stamped by the journal's clock after the last commit (the cancels), not by the
        # step's `now`: trades the run saw were committed after `now` was read, and the
        # report counts the trades up to this time
        desk.set_run_state(self.engine, self.run_id, self.done, ts=max(now, self.api.clock()),
                           reason=self.reason)

    def close(self) -> None:
        self.api.store.trade_listeners.remove(self.record)
        if self.remote:
            self._venue.close()
        if not self._shared:
            self.api.close()


def amend_command(o: Live, q: Quote, user: str) -> dict:
    """The order-stream amend that turns live order `o` into quote `q`: the new price if it
    moves, the new total quantity (what is filled stays filled) if the rest changes."""
    cmd = {"op": "amend", "id": o.cid, "user": user}
    if q.price != o.price:
        cmd["price"] = fmt(q.price)
    if q.qty != o.remaining:
        cmd["qty"] = fmt(o.qty - o.remaining + q.qty)
    return cmd


def _run_of(cid: str) -> int | None:
    head = cid[2:].partition(".")[0]
    return int(head) if head.isdigit() else None


# ---------------------------------------------------------------- the loop
def run_loop(runner: ApiRunner, *, clock, sleep, duration: float | None = None,
             driver=None, tick: float = 0.1, should_stop=None, on_tick=None) -> None:
    """Step `runner` every `tick` seconds of `clock()` (ns) until `duration` passes, its run
    row asks it to stop, the kill switch trips, or `should_stop()` says so; with `driver`
    (an mm.sim ApiDriver) the simulated market moves first on each tick. Whatever ends
    the loop, the run's orders are cancelled and its row says why."""
    step_ns = int(tick * SECOND)
    t0 = clock()
    runner.start(t0)
    if driver is not None:
        driver.start(0)
    end = None if duration is None else t0 + int(duration * SECOND)
    due = t0
    try:
        while not runner.done:
            now = clock()
            if should_stop is not None and should_stop():
                runner.stop(now, "stopped by a signal")
                break
            if end is not None and now >= end:
                runner.stop(now, "duration elapsed")
                break
            if driver is not None:
                driver.step(now - t0)
            runner.poll(now)
            if runner.done:
                break
            report = runner.step(now)
            if on_tick is not None:
                on_tick(runner, report)
            due = max(due + step_ns, now)
            wait = due - clock()
            if wait > 0:
                sleep(wait / SECOND)
    except BaseException as exc:
        if not runner.done:
            try:
                runner.stop(clock(), f"error: {type(exc).__name__}: {exc}")
            except Exception:       # the database may be what failed: the row stays
                pass                # running with a dead pid, which the next start clears
        raise


@contextmanager
def stop_signals():
    """SIGTERM and SIGINT ask the loop to stop cleanly (cancel, mark the row) instead of
    interrupting it mid-transaction; yields the `should_stop` callable."""
    asked = []
    handler = lambda signum, frame: asked.append(signum)  # noqa: E731
    old = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield lambda: bool(asked)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
