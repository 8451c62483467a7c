"""Drivers apply the core's commands to an exchange and feed it back what it sees.

ApiDriver goes through db.api.Api (the API a person uses; acting as the operator, it
names each order's user), one execute_many call and one transaction per tick, journalled
at the simulated time (its epoch + now), so a run's journal times are its market's times
whether it ran in real time or --fast. ExchangeDriver applies them to a bare engine
Exchange, for tests and backtests. Neither reads a clock: callers pass simulated time in
nanoseconds.
"""
from dataclasses import dataclass, field

from souq.engine.events import trades_of
from souq.engine.model import OPERATOR
from souq.engine.numbers import fmt
from souq.engine.stream import parse_command, trade_record

from .core import Simulator
from .params import SimParams, ns
from .participants import participant_commands, participants
from souq.mm.view import MarketView, OpenOrders, observe

ORDER_OPS = ("limit", "market", "cancel")


@dataclass
class TickReport:
    now: int
    commands: list[dict] = field(default_factory=list)   # the simulator's, in order
    reasons: list = field(default_factory=list)          # per command: None when accepted
    trades: list[dict] = field(default_factory=list)     # engine.stream.trade_record shape

    @property
    def accepted(self) -> int:
        return sum(r is None for r in self.reasons)

    @property
    def rejected(self) -> int:
        return len(self.reasons) - self.accepted


@dataclass
class Summary:
    sent: int = 0
    accepted: int = 0
    rejected: int = 0
    trades: int = 0
    sim_seconds: float = 0.0
    last: dict = field(default_factory=dict)   # symbol -> last trade price string or None


class Driver:
    """What both drivers share: start, step, pause/resume, stop and the running tally."""

    def __init__(self, params: SimParams, seed: int, *, id_prefix: str | None = None) -> None:
        self.params = params
        self.seed = seed
        self.id_prefix = id_prefix
        self.sim: Simulator | None = None
        self.users = [user for user, _ in participants(params)]
        self.orders = OpenOrders(self.users)
        self.tally = Summary()
        self._started = self._refilled = 0

    # ----------------------------------------------------------- subclass hooks
    def exchange(self):
        """The engine Exchange as it stands now."""
        raise NotImplementedError

    def submit(self, cmds: list[dict], now: int) -> tuple[list, list[dict]]:
        """Apply commands in one batch: (reason per command, trade records)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Catch up on what other writers did."""

    # ----------------------------------------------------------- control
    @property
    def paused(self) -> bool:
        return self.sim is not None and self.sim.paused

    def pause(self) -> None:
        self._simulator().pause()

    def resume(self) -> None:
        self._simulator().resume()

    def set_rate(self, rate: float) -> None:
        self._simulator().set_rate(rate)

    def set_volatility(self, volatility: float) -> None:
        self._simulator().set_volatility(volatility)

    def shock(self, **change) -> None:
        """A scenario's timed change (Simulator.shock: fair_ppb, volatility, rate)."""
        self._simulator().shock(**change)

    def view(self) -> MarketView:
        return observe(self.exchange(), self.params.symbols, self.orders)

    def start(self, now: int = 0) -> list[dict]:
        """Check the symbols, ensure the participants exist and are funded, and set the
        clock. Returns the set-up commands it applied (none when all was in place)."""
        self.refresh()
        ex = self.exchange()
        for name in self.params.symbols:
            if name not in ex.symbols:
                raise ValueError(f"unknown symbol {name!r}")
        view = self.view()
        priced = [n for n, sv in view.symbols.items() if sv.anchor is not None]
        if not priced:
            raise ValueError("no symbol to simulate: none has a reference price, a last "
                             "trade or a quote to start from")
        setup = self._fund(view, now)
        if self.sim is None:
            self.sim = Simulator(self.params, self.seed, self.id_prefix or f"s{ex.seq}-")
        self.sim.start(self.view(), now)
        self._started = self._refilled = now
        return setup

    def step(self, now: int) -> TickReport:
        """Advance to simulated time `now` (ns): one batch of commands, applied."""
        sim = self._simulator()
        self.refresh()
        view = self.view()
        cmds = sim.step(view, now)
        if not sim.paused and now - self._refilled >= ns(self.params.refill_seconds):
            self._fund(view, now)
        report = TickReport(now, cmds)
        self.tally.sim_seconds = (now - self._started) / 1e9
        if not cmds:
            return report
        report.reasons, report.trades = self.submit(cmds, now)
        for cmd, reason in zip(cmds, report.reasons):
            if reason is None and cmd["op"] == "limit" and "tif" not in cmd:
                self.orders.placed(cmd["user"], cmd["id"])
        t = self.tally
        t.sent += len(cmds)
        t.accepted += report.accepted
        t.rejected += report.rejected
        t.trades += len(report.trades)
        return report

    def stop(self, now: int | None = None, *, cancel: bool = False) -> Summary:
        """End the run; with `cancel`, take every participant's resting orders off the book."""
        if cancel:
            self.submit([{"op": "cancel_all", "user": u} for u in self.users
                         if u in self.exchange().users], self._started if now is None else now)
        return self.summary()

    def summary(self) -> Summary:
        ex = self.exchange()
        names = self.params.symbols or sorted(ex.symbols)
        t = self.tally
        t.last = {n: None if ex.symbols[n].last is None else fmt(ex.symbols[n].last)
                  for n in names if n in ex.symbols}
        return t

    # ----------------------------------------------------------- helpers
    def _simulator(self) -> Simulator:
        if self.sim is None:
            raise RuntimeError("the simulator has not been started; call start(now) first")
        return self.sim

    def _fund(self, view: MarketView, now: int) -> list[dict]:
        """The idempotent ensure-participants step, applied; returns what it applied."""
        setup = participant_commands(self.exchange(), self.params, view.symbols)
        self._refilled = now
        if setup:
            reasons, _ = self.submit(setup, now)
            bad = [r for r in reasons if r is not None]
            if bad:
                raise ValueError(f"simulator participants could not be set up: {bad[0]}")
        return setup


class ExchangeDriver(Driver):
    """Drive a bare engine Exchange in memory (tests, backtests)."""

    def __init__(self, ex, params: SimParams, seed: int, *, actor: str = OPERATOR,
                 id_prefix: str | None = None) -> None:
        super().__init__(params, seed, id_prefix=id_prefix)
        self.ex = ex
        self.actor = actor

    def exchange(self):
        return self.ex

    def submit(self, cmds, now):
        ex, actor = self.ex, self.actor
        outcomes = [ex.apply(parse_command(obj, extended=True), now, actor) for obj in cmds]
        trades = trades_of(outcomes)
        self.traded(trades)
        return [o.reason for o in outcomes], [trade_record(t) for t in trades]

    def traded(self, trades) -> None:
        """Engine trade tuples of one batch, drained from the exchange (a TapeDriver
        passes them on to the runners sharing it)."""


class ApiDriver(Driver):
    """Drive a database exchange through db.api.Api, one transaction per tick.

    Each batch is journalled at `epoch + now` (ns): simulated time, the one clock
    surveillance judges every window on. A --fast run's minute then spans a minute of
    journal time, as a real-time run's does, instead of the fraction of a second of wall
    clock it took (which made honest traders look like rapid-fire bots). `epoch` is the
    journal time of simulated time 0; None takes the Api's clock at the first batch. Drivers
    that share one market (a MixedDriver's thin one) should share one epoch. A --fast run
    gets ahead of the wall clock: give it a database of its own."""

    def __init__(self, api, params: SimParams, seed: int, *,
                 id_prefix: str | None = None, epoch: int | None = None) -> None:
        super().__init__(params, seed, id_prefix=id_prefix)
        self.api = api
        self.epoch = epoch

    def exchange(self):
        return self.api.exchange()

    def refresh(self) -> None:
        self.api.refresh()

    def submit(self, cmds, now):
        if self.epoch is None:
            self.epoch = self.api.clock() - now
        batch = self.api.execute_many(cmds, ts=self.epoch + now)
        return [o.reason for o in batch.outcomes], [trade_record(t) for t in batch.trades]
