"""The simulator's core: seeded, no I/O, no clock. Given a view of the market and the
simulated time, it returns the next commands as order-stream dicts. The same seed, the
same views and the same times give the same commands, byte for byte."""
from random import Random

from souq.engine.timeunits import SECOND as SECOND_NS

from .agents import KINDS, Situation, Tuning
from .fair import FairValue
from .params import SimParams, ns
from .participants import participants
from .trend import Trend
from souq.mm.view import MarketView


class Simulator:
    def __init__(self, params: SimParams, seed: int, id_prefix: str = "sim") -> None:
        self.params = params
        self.seed = seed
        self.rate = params.rate
        self.volatility = params.volatility
        self.paused = False
        self.id_prefix = id_prefix
        self.tuning = Tuning.of(params)
        self.fair = FairValue(Random(f"souq-sim:{seed}:fair"))
        self.trend = Trend(self.tuning.lookback_ns)
        self.rng = Random(f"souq-sim:{seed}:flow")
        kinds = {k.kind: k for k in KINDS}
        self.agents = [kinds[kind](user) for user, kind in participants(params)]
        self._weights = self._agent_weights()
        self.now: int | None = None
        self._next: int | None = None     # time of the next arrival (ns)
        self._count = 0
        self._symbols: dict = {}          # the last view's symbols, for shocks' band limits

    # ------------------------------------------------------------ control
    def pause(self) -> None:
        """Stop the flow and the clock: resuming later carries on as if no time had passed."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False

    def set_rate(self, rate: float) -> None:
        if rate < 0:
            raise ValueError("rate must not be negative")
        self.rate = rate
        self._next = None

    def set_volatility(self, volatility: float) -> None:
        if volatility < 0:
            raise ValueError("volatility must not be negative")
        self.volatility = volatility

    def shock(self, *, fair_ppb: int = 0, volatility: float | None = None,
              rate: float | None = None) -> None:
        """A scenario's timed change: every tracked fair value jumps by `fair_ppb` parts per
        1e9 (inside the band last seen), and/or the volatility or flow rate is set anew.
        Touches no random stream, so a run with shocks stays reproducible."""
        if fair_ppb:
            for name in sorted(self.fair.values):
                self.fair.jump(name, fair_ppb, self._symbols.get(name))
        if volatility is not None:
            self.set_volatility(volatility)
        if rate is not None:
            self.set_rate(rate)

    # ------------------------------------------------------------ the step
    def start(self, view: MarketView, now: int) -> None:
        """Set the clock to `now` without generating anything: a first start, or a restart
        after a stop, carries on as if no time had passed in between."""
        self.now = now
        self._next = None
        self._symbols = view.symbols
        self.fair.track(view.symbols)

    def step(self, view: MarketView, now: int) -> list[dict]:
        """Advance simulated time to `now` (ns) and return the commands arriving by then."""
        if self.now is None or self.paused:
            self.start(view, now if self.now is None else max(now, self.now))
            return []
        if now <= self.now:
            return []
        start, dt, self.now = self.now, now - self.now, now
        self._symbols = view.symbols
        self.fair.track(view.symbols)
        self.fair.advance(dt, self.volatility, view.symbols)
        self.trend.record(now, view.symbols)
        live = [sv for sv in view.symbols.values()
                if sv.tradable and sv.anchor is not None and sv.spec.name in self.fair.values]
        arrivals = self._arrivals(start, now)
        if not live:
            return []
        rng, out, taken = self.rng, [], set()
        for _ in range(arrivals):
            agent = rng.choices(self.agents, cum_weights=self._weights)[0]
            sv = live[rng.randrange(len(live))] if len(live) > 1 else live[0]
            own = tuple(o for o in view.own(agent.user, sv.spec.name) if o.cid not in taken)
            self._count += 1
            cid = f"{self.id_prefix}{self._count}"
            cmd = agent.act(rng, Situation(sv, own, self.fair.get(sv.spec.name),
                                           self.trend.change(sv.spec.name), cid), self.tuning)
            if cmd["op"] == "cancel":
                taken.add(cmd["id"])
            out.append(cmd)
        return out

    def _arrivals(self, start: int, end: int) -> int:
        """How many Poisson arrivals (rate per second) fall in (start, end]; a tick that
        comes very late catches up on at most max_backlog seconds of them."""
        if self.rate <= 0:
            self._next = None
            return 0
        rng = self.rng
        mean = SECOND_NS / self.rate
        if self._next is None:
            self._next = start + int(rng.expovariate(1.0) * mean)
        self._next = max(self._next, end - ns(self.params.max_backlog))
        n = 0
        while self._next <= end:
            n += 1
            self._next += max(1, int(rng.expovariate(1.0) * mean))
        return n

    def _agent_weights(self) -> list[float]:
        """Cumulative weights: each kind's share of the flow split evenly among its agents."""
        share = dict(zip(("noise", "informed", "momentum"), self.params.mix))
        counts = {}
        for a in self.agents:
            counts[a.kind] = counts.get(a.kind, 0) + 1
        total = sum(share[k] for k in counts)
        if total <= 0:
            raise ValueError("mix gives no flow to any trader that exists")
        cum, acc = [], 0.0
        for a in self.agents:
            acc += share[a.kind] / total / counts[a.kind]
            cum.append(acc)
        return cum
