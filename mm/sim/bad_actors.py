"""Bad actors for the demo simulator: planted market abuse, each episode labelled with
the surveillance rules it should trip, so detectors can be scored (souq surveil eval).

Each actor starts episodes at `rate` per simulated minute (seeded Poisson arrivals, one
episode at a time) and plays each episode as commands due at set times after its start.
Commands are order-stream dicts through the same API as everyone's; the labels say who,
which rules and when (ns of simulated time).

| actor | users | what an episode does | labels |
|---|---|---|---|
| wash | bad-wash-a, bad-wash-b (linked as one owner) | 4 trades back and forth at the mid | wash_trading |
| ring | bad-ring-1..3 | the same quantity around A->B->C->A, twice | circular_trading |
| spoof | bad-spoof | a big bid under the touch, a small sell, the bid cancelled | spoofing |
| layer | bad-layer | four stacked bids, a small sell, the bids cancelled | layering |
| rapid | bad-rapid | 150 orders and cancels in 1.5 s far from the touch | rapid_fire |
| pump | bad-pump | buys the thin symbol THIN-IRR's asks at a limit climbing 0.5 % a step, 16 steps in 4 s | abnormal_volume |
| structurer | bad-struct | 4 IRR deposits just under the threshold, then most withdrawn | structuring, in_and_out |
"""
from dataclasses import dataclass, replace
from random import Random

from souq.engine.model import AVAIL, BUY, HELD, IOC, SELL
from souq.engine.numbers import AMOUNT_SCALE, fmt_amount
from souq.engine.timeunits import SECOND

from . import grid
from souq.mm.view import MarketView, SymbolView, observe

LINK = "surveil_link"
STRUCTURING_THRESHOLD = 10_000_000_000     # IRR, the structuring rule's default


@dataclass
class Episode:
    actor: str
    rules: tuple[str, ...]
    users: tuple[str, ...]
    start: int
    end: int


class BadActor:
    """Base: subclasses set name, users, rules, and `plan(rng, sv)` returning
    [(delay ns, fn(symbol view) -> list[dict])] for one episode."""
    name = ""
    users: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    funds = {"IRR": "500000000000000", "BTC": "200", "USDT": "5000000", "ETH": "2000"}
    symbol = "BTC-IRR"

    def __init__(self, rate: float = 1.0, seed: int = 0) -> None:
        self.rate = rate                  # episodes per simulated minute
        self.seed = seed
        self.episodes: list[Episode] = []
        self.orders = 0                   # commands sent
        self.rng = Random(f"souq-bad:{self.name}:{self.seed}")
        self._next: int | None = None
        self._due: list = []
        self._n = 0

    def setup(self, ex=None) -> list[dict]:
        """Stream commands that create the users missing from `ex` (an engine Exchange;
        None: an empty one) and top up each of their wallets in `funds` (whole units) that
        has fallen below half of it, back to the full amount: a second run finds the
        wallets the first one spent (the wash trader also links its users when new)."""
        out = []
        for u in self.users:
            user = None if ex is None else ex.users.get(u)
            if user is None:
                out.append({"op": "user", "user": u, "role": "trader"})
            for asset, whole in self.funds.items():
                want = int(whole) * AMOUNT_SCALE
                w = None if user is None else user.wallets.get(asset)
                have = w[AVAIL] + w[HELD] if w else 0
                if have < want // 2:
                    out.append({"op": "deposit", "user": u, "asset": asset,
                                "amount": fmt_amount(want - have)})
        return out

    def is_new(self, ex) -> bool:
        """None of the users exists in `ex` yet."""
        return not any(u in ex.users for u in self.users)

    def step(self, view: MarketView, now: int) -> list[dict]:
        if self._next is None:
            self._next = now + self._gap()
        out = []
        if not self._due and now >= self._next:
            sv = view.symbols.get(self.symbol)
            if sv is not None and sv.tradable and sv.bid and sv.ask and sv.ask - sv.bid >= 4 * sv.spec.tick:
                plan = self.plan(self.rng, sv)
                self._due = [(now + d, fn) for d, fn in plan]
                self.episodes.append(Episode(self.name, self.rules, self.users, now,
                                             now + max(d for d, _ in plan)))
        while self._due and self._due[0][0] <= now:
            _, fn = self._due.pop(0)
            cmds = fn(view.symbols[self.symbol])
            self.orders += len(cmds)
            out += cmds
            if not self._due:
                self._next = now + self._gap()
        return out

    def _gap(self) -> int:
        return int(self.rng.expovariate(self.rate / 60.0) * SECOND) if self.rate > 0 else 10**30

    def cid(self) -> str:
        self._n += 1
        return f"{self.name}-{self._n}"

    def plan(self, rng: Random, sv: SymbolView) -> list:
        raise NotImplementedError


def _under(sv: SymbolView, bps: int) -> int:
    """A bid `bps` basis points under the best bid, on the grid: near the touch, not at it."""
    return grid.price(sv, sv.bid - sv.bid * bps // 10_000)


def _mid(sv: SymbolView) -> int:
    return grid.price(sv, sv.anchor)


class WashTrader(BadActor):
    name, users, rules = "wash", ("bad-wash-a", "bad-wash-b"), ("wash_trading",)

    def setup(self, ex=None):
        link = [{"op": "audit", "action": LINK, "subject": ",".join(self.users),
                 "note": "one beneficial owner (eval)"}]
        return super().setup(ex) + (link if ex is None or self.is_new(ex) else [])

    def plan(self, rng, sv):
        a, b = self.users
        steps = []
        for i in range(4):
            seller, buyer = (a, b) if i % 2 == 0 else (b, a)
            steps.append((i * SECOND // 2, self._pair(seller, buyer)))
        return steps

    def _pair(self, seller, buyer):
        def send(sv):
            p, q, cid = _mid(sv), grid.lots(sv, 5), self.cid()
            if not (sv.bid and sv.ask and sv.bid < p < sv.ask):
                return []
            return [grid.limit(cid, seller, sv, SELL, p, q),
                    grid.limit(self.cid(), buyer, sv, BUY, p, q, IOC),
                    grid.cancel(cid, seller)]
        return send


class CircularRing(BadActor):
    name, users, rules = "ring", ("bad-ring-1", "bad-ring-2", "bad-ring-3"), ("circular_trading",)

    def plan(self, rng, sv):
        u = self.users
        legs = [(u[i % 3], u[(i + 1) % 3]) for i in range(6)]
        return [(i * SECOND * 3 // 10, WashTrader._pair(self, s, b)) for i, (s, b) in enumerate(legs)]


class Spoofer(BadActor):
    name, users, rules = "spoof", ("bad-spoof",), ("spoofing",)

    def plan(self, rng, sv):
        u, cid = self.users[0], self.cid()
        return [
            (0, lambda sv: [grid.limit(cid, u, sv, BUY, _under(sv, 3), grid.lots(sv, 60))]),
            (SECOND // 5, lambda sv: [grid.limit(self.cid(), u, sv, SELL, sv.bid, grid.lots(sv, 2), IOC)]),
            (SECOND, lambda sv: [grid.cancel(cid, u)]),
        ]


class Layerer(BadActor):
    name, users, rules = "layer", ("bad-layer",), ("layering",)

    def plan(self, rng, sv):
        u = self.users[0]
        cids = [self.cid() for _ in range(4)]
        return [
            (0, lambda sv: [grid.limit(c, u, sv, BUY, _under(sv, 5 * (i + 1)), grid.lots(sv, 20))
                            for i, c in enumerate(cids)]),
            (SECOND // 5, lambda sv: [grid.limit(self.cid(), u, sv, SELL, sv.bid, grid.lots(sv, 2), IOC)]),
            (SECOND, lambda sv: [grid.cancel(c, u) for c in cids]),
        ]


class RapidFire(BadActor):
    name, users, rules = "rapid", ("bad-rapid",), ("rapid_fire",)

    def plan(self, rng, sv):
        u = self.users[0]
        steps = []
        for i in range(75):          # 75 places and 75 cancels over 1.5 s
            cid = self.cid()

            def send(sv, cid=cid):
                p = grid.price(sv, sv.anchor - sv.anchor * 3 // 100)
                return [grid.limit(cid, u, sv, BUY, p, grid.lots(sv, 1)), grid.cancel(cid, u)]
            steps.append((i * SECOND // 50, send))
        return steps


THIN = "THIN-IRR"
THIN_SYMBOL = {"op": "symbol", "symbol": THIN, "base": "THIN", "quote": "IRR", "tick_size": "10",
               "qty_step": "1", "min_qty": "1", "max_qty": "1000000", "daily_limit": "0.2",
               "ref_price": "100000"}
THIN_SHARE = 0.05     # the thin symbol's honest flow, as a share of the scenario's rate


class Pump(BadActor):
    name, users, rules = "pump", ("bad-pump",), ("abnormal_volume",)
    symbol = THIN
    funds = dict(BadActor.funds, THIN="1000000")

    def plan(self, rng, sv):
        u = self.users[0]
        start = sv.anchor

        def sweep(sv, i):
            p = grid.price(sv, start + start * (i + 1) // 200, up=True)   # 0.5 % higher each time
            return [grid.limit(self.cid(), u, sv, BUY, p, grid.lots(sv, 3000), IOC)]
        return [(i * SECOND // 4, lambda sv, i=i: sweep(sv, i)) for i in range(16)]


class Structurer(BadActor):
    name, users, rules = "structurer", ("bad-struct",), ("structuring", "in_and_out")
    funds = {}

    def plan(self, rng, sv):
        u = self.users[0]
        amounts = [STRUCTURING_THRESHOLD * AMOUNT_SCALE - rng.randrange(1, 400) * 10**6 * AMOUNT_SCALE
                   for _ in range(4)]
        steps = [(i * 2 * SECOND, lambda sv, a=a: [{"op": "deposit", "user": u, "asset": "IRR",
                                                     "amount": fmt_amount(a)}])
                 for i, a in enumerate(amounts)]
        out = sum(amounts) * 9 // 10
        out -= out % AMOUNT_SCALE
        steps.append((9 * SECOND, lambda sv: [{"op": "withdraw", "user": u, "asset": "IRR",
                                               "amount": fmt_amount(out)}]))
        return steps


ACTORS = {a.name: a for a in (WashTrader, CircularRing, Spoofer, Layerer, RapidFire, Pump, Structurer)}


def actors(names, rate: float, seed: int) -> list[BadActor]:
    """The named actors ("all" for every one) at `rate` episodes a minute each."""
    names = list(ACTORS) if "all" in names else list(names)
    unknown = [n for n in names if n not in ACTORS]
    if unknown:
        raise ValueError(f"unknown bad actor {unknown[0]!r}; known: {', '.join(ACTORS)}, all")
    if rate < 0:
        raise ValueError("the bad actors' rate must not be negative")
    return [ACTORS[n](rate=rate, seed=seed) for n in names]


class MixedDriver:
    """A simulator driver with bad actors mixed in: their set-up at start, their commands
    after the honest flow of each step, at the same simulated time. With the pump among
    them, the market gets a thin symbol (THIN-IRR): the scenario's flow keeps to the
    symbols it had, and `thin(params)` makes a second honest driver trading only THIN-IRR
    at THIN_SHARE of the scenario's rate."""

    def __init__(self, driver, bad: list[BadActor], thin=None) -> None:
        self.driver = driver
        self.bad = bad
        self.thin = None
        if any(isinstance(a, Pump) for a in bad):
            if thin is None:
                raise ValueError("the pump needs a thin market: pass thin=")
            ex = driver.exchange()
            if THIN not in ex.symbols:
                reasons, _ = driver.submit([THIN_SYMBOL], 0)
                if reasons[0] is not None:
                    raise ValueError(f"the thin symbol could not be added: {reasons[0]}")
            inner = driver
            while hasattr(inner, "driver"):        # under a ShockedDriver and the like
                inner = inner.driver
            params = inner.params
            names = tuple(n for n in (params.symbols or sorted(ex.symbols)) if n != THIN)
            inner.params = replace(params, symbols=names)
            self.thin = thin(replace(params, rate=params.rate * THIN_SHARE, symbols=(THIN,)))

    def __getattr__(self, name):
        return getattr(self.driver, name)

    def start(self, now: int = 0):
        setup = self.driver.start(now)
        if self.thin is not None:
            setup += self.thin.start(now)
        ex = self.driver.exchange()      # a run before this one made and spent them
        cmds = [c for a in self.bad for c in a.setup(ex)]
        if cmds:
            reasons, _ = self.driver.submit(cmds, now)
            bad = [r for r in reasons if r is not None]
            if bad:
                raise ValueError(f"bad actors could not be set up: {bad[0]}")
        return setup

    def step(self, now: int):
        report = self.driver.step(now)
        if self.thin is not None:
            self.thin.step(now)
        view = observe(self.driver.exchange(), (), self.driver.orders)
        cmds = [c for a in self.bad for c in a.step(view, now)]
        if cmds:
            self.driver.submit(cmds, now)
        return report

    def stop(self, now=None, **kw):
        return self.driver.stop(now, **kw)

    def labels(self) -> list[dict]:
        """Each actor with its users, rules, commands sent and episodes (ns)."""
        return [{"actor": a.name, "users": list(a.users), "rules": list(a.rules),
                 "commands": a.orders,
                 "episodes": [[e.start, e.end] for e in a.episodes]} for a in self.bad]
