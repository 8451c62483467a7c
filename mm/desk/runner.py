"""Runs one strategy configuration against a venue: the only part of the desk that
touches an exchange, and only through the venue's ports (mm/venue).

Each step reads the market (books, own open orders, own fills and the tape since the last
step), works out fair price, volatility and inventory, and hands a Context to the decision
pipeline (mm/desk/pipeline.py: decide -> controls -> risk clip -> reconcile); the typed
commands it returns go to the venue as one batch acting as the strategy's user.
Risk.assess watches equity first: a breach cancels everything and stops the run (kill
switch) before it raises its alert.

The runner does not know which venue it talks to: an exchange in this process
(MemoryRunner: tests, simulations, backtests), a database shared with other processes or
a gateway (ApiRunner, mm/desk/api_runner.py). Neither reads a clock: time is passed in (ns).
The process loop with its signals is mm/desk/loop.py.
"""
from collections import deque
from dataclasses import dataclass, field

from souq.engine.numbers import fmt
from souq.mm.display import decimals_of
from souq.mm.venue.local import LocalVenue, tape_trades
from souq.mm.venue.ports import Amend, Cancel, OrderCommand, Place, TapeTrade as _T, Venue
from souq.engine.timeunits import SECOND

from .alerts import INFO, WARNING, MemorySink, sharpe_samples
from .book import to_float
from .mark import mark, without_own
from .pipeline import Orders, Pipeline, commands, requeued
from .quotes import BUY, SELL, Context, Fill, Live, Quote, Trade
from .report import sharpe
from .risk import Risk
from .signals import RealisedVol
from .valuation import Valuation

DEPTH = 20                      # book levels per side a strategy sees
SAMPLE_EVERY = SECOND           # inventory/equity samples
SHARPE_WINDOW = 600             # samples the Sharpe alert looks back over


@dataclass
class StepReport:
    now: int
    commands: list[OrderCommand] = field(default_factory=list)   # Place, Amend, Cancel
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
        self.valuation: Valuation | None = None     # wallets at the start, PnL
        self._build(cfg)
        self.vol = RealisedVol()
        self.n = 0                              # client ids issued
        self.open: dict[str, int] = {}          # our open orders: client id -> placed ns
        self.started: int | None = None
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
        batches, and whatever else applies commands to the same exchange (a venue in this
        process calls this as its trade listener)."""
        self._tape += tape_trades(trades, self.watch)

    def new_trades(self) -> list[_T]:
        out, self._tape = self._tape, []
        return out

    def submit(self, cmds: list[OrderCommand], now: int) -> list:
        """Apply commands as the strategy's user in one batch, through the venue; the
        reason per command (None: accepted)."""
        return self.venue().submit(cmds, self.user, now)

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
        peak = self.risk.peak if self.risk is not None else None
        pipe = self.pipeline = Pipeline(cfg, self.sink, peak)
        self.strategy, self.p, self.controls = pipe.strategy, pipe.p, pipe.controls
        self.risk, self.fair, self.refresh_rule = pipe.risk, pipe.fair, pipe.refresh_rule
        self.watch, self.rules = pipe.watch, pipe.rules
        if self.valuation is None:
            self.valuation = Valuation(self.user, self.watch)
        else:                           # a reload values the legs it now watches
            self.valuation.watch = list(self.watch)

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
        self.valuation.start(v)
        self.same_wallet = self.valuation.same_wallet(v)
        book = v.book(self.symbol, 1)
        self.rules.quote, self.rules.quote_dp = book.spec.quote, decimals_of(fmt(book.spec.tick))
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
        mid = market.mid                # a property: read once
        fills, tape = self._read_trades()
        if fills:
            self.record_fills(fills, books)
        at = mark(mid, market.last)
        marks = {s: mark(m.mid, m.last) for s, m in markets.items()}
        self.inventory, value = self.value(v, markets, marks, now)
        if mid is not None:
            self.vol.update(now, to_float(mid))
        p = self.p
        ctx = Context(now, book, books, self.fair(now, market, markets), self.inventory,
                      p.target_inventory, p.max_inventory, live, fills, tape,
                      self.vol.value, self.started, self.data_ts, markets,
                      self.same_wallet)
        if self.desk is not None:        # the desk-wide net limit, others' runs included
            cap, others = self.desk
            net = others + self.inventory
            ctx.desk_room = {BUY: cap - net, SELL: cap + net}
        report.fills, report.inventory, report.mid = fills, self.inventory, at
        self._observe(now, mid, fills, tape)
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
        wanted = self.pipeline.wanted(ctx, self.paused)
        guards = {g.kind for g in self.risk.guards}
        force = self.force or bool(ctx.fills) or guards != self._guards
        self._guards = guards
        report.wanted = wanted
        orders = self.pipeline.plan(wanted, ctx, self.last_refresh, force)
        self.force = False
        if orders:
            self.last_refresh = ctx.now
            self._send(ctx.now, orders, report)

    def _cid(self) -> str:
        self.n += 1
        return f"{self.prefix}{self.n}"

    def _send(self, now: int, orders: Orders, report: StepReport) -> None:
        cmds = commands(orders, self._cid)
        moved = requeued(orders)
        reasons = self.submit(cmds, now)
        for cmd, reason in zip(cmds, reasons):
            t = type(cmd)
            if t is Cancel:
                self.open.pop(cmd.cid, None)
            elif t is Amend:
                if reason is not None:      # filled or gone meanwhile: look again next step
                    self.force = True
                elif cmd.cid in moved:
                    self.open[cmd.cid] = now        # at the back of the queue: a new age
            elif reason is None and cmd.tif == "gtc":
                self.open[cmd.cid] = now
        self.rules.rejections(now, [r for c, r in zip(cmds, reasons)
                                    if r is not None and type(c) is Place])
        report.commands, report.reasons = cmds, reasons

    def cancel_all(self, now: int) -> int:
        """Take every order of this run off the book; how many there were."""
        self.refresh()
        live = self._live(self.venue())
        if live:
            self._send(now, Orders(cancels=list(live)), StepReport(now))
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
            self.record_fills(fills, {s: v.book(s, 1) for s in {f.symbol for f in fills}})
        if self.equity is not None:     # valued as the last step did, on the wallets now
            v = self.venue()
            marks = {s: v.mark(s, self.user) for s in self.watch}
            at = marks[self.symbol]
            if at is not None:
                self.inventory, self.equity = self.value(v, None, marks, now)
            self._sample(now, at, force=True)
        self.ended(now)

    # ------------------------------------------------------------ reading
    def value(self, v: Venue, books, marks: dict, now: int) -> tuple[int, int]:
        """(inventory in own-base lots, PnL since the start at 1e-18 of the own quote),
        valuing every leg the run trades (mm/desk/valuation.py): the kill switch, the
        samples, `mm status` and the backtest's equity series all read this. A leg that
        cannot be converted counts 0 and raises a warning once, naming it."""
        inventory, value, unvalued = self.valuation.value(v, books, marks)
        for asset in unvalued:
            if asset not in self._unvalued:
                self._unvalued.add(asset)
                quote = (books[self.symbol] if books else v.book(self.symbol, 1)).spec.quote
                self.rules.emit(now, WARNING, "unvalued_leg",
                                f"{asset} moved but no watched symbol prices it in "
                                f"{quote}: the PnL and the kill switch leave it out")
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
    """On a bare engine Exchange, acting as the strategy's user, through a LocalVenue. The
    engine hands each trade out once, to whoever drains it: the venue drains the runner's
    own batches, and whatever else applies commands to the same exchange passes its
    trades to `record` (TapeDriver does, for the simulator)."""

    def __init__(self, ex, cfg: dict, *, prefix: str = "mm.", sink=None) -> None:
        super().__init__(cfg, prefix=prefix, sink=sink)
        self.ex = ex
        self._venue = LocalVenue(lambda: self.ex, self.record)

    def venue(self) -> Venue:
        return self._venue
