"""The three kinds of trader. Each turns one arrival into exactly one command, so the
flow rate is the arrival rate; all randomness comes from the rng passed in.

- noise: uninformed limit, market and cancel flow around the market's own mid;
- informed: knows the hidden fair value, takes mispriced quotes, rests near the value;
- momentum: buys a rising market and sells a falling one.
"""
from dataclasses import dataclass
from random import Random

from souq.engine.model import BUY, IOC, SELL
from souq.engine.numbers import PRICE_SCALE

from . import grid
from .params import SimParams, ns, ppb
from souq.mm.view import OpenOrder, SymbolView


@dataclass(frozen=True)
class Tuning:
    """SimParams' behaviour knobs as integers, computed once."""
    spread: int      # ppb
    edge: int        # ppb
    threshold: int   # ppb
    max_lots: int
    max_open: int
    lookback_ns: int

    @classmethod
    def of(cls, p: SimParams) -> "Tuning":
        return cls(ppb(p.spread), ppb(p.edge), ppb(p.momentum_threshold), p.max_lots,
                   p.max_open, ns(p.momentum_lookback))


@dataclass(frozen=True, slots=True)
class Situation:
    """Everything one agent sees at one arrival."""
    sv: SymbolView
    own: tuple[OpenOrder, ...]   # this agent's open orders in this symbol, oldest first
    fair: int                    # hidden value: only informed traders may look
    trend: int                   # relative move over the lookback, ppb
    cid: str                     # client id for a new order


class Agent:
    kind = ""

    def __init__(self, user: str) -> None:
        self.user = user

    def act(self, rng: Random, s: Situation, t: Tuning) -> dict:
        raise NotImplementedError

    # shared moves
    def cancel(self, rng: Random, s: Situation) -> dict:
        return grid.cancel(s.own[rng.randrange(len(s.own))].cid, self.user)

    def must_cancel(self, s: Situation, t: Tuning) -> bool:
        return len(s.own) >= t.max_open

    def qty(self, rng: Random, s: Situation, t: Tuning, scale: int = 1) -> int:
        n = 1 + int(rng.expovariate(4.0 / t.max_lots))
        return grid.lots(s.sv, min(n, t.max_lots) * scale)

    def rest(self, rng: Random, s: Situation, t: Tuning, side: str, around: int) -> dict:
        """A limit order some ticks behind `around`; a few land through it and cross."""
        sv = s.sv
        width = max(1, grid.relative(around, t.spread) // sv.spec.tick)
        ticks = int(rng.expovariate(1.0) * width) - width // 4
        if side == BUY:
            p = grid.price(sv, around - ticks * sv.spec.tick)
        else:
            p = grid.price(sv, around + ticks * sv.spec.tick, up=True)
        return grid.limit(s.cid, self.user, sv, side, p, self.qty(rng, s, t))


class Noise(Agent):
    kind = "noise"

    def act(self, rng, s, t):
        r = rng.random()
        if s.own and (r < 0.25 or self.must_cancel(s, t)):
            return self.cancel(rng, s)
        side = BUY if rng.random() < 0.5 else SELL
        if 0.25 <= r < 0.33:
            return grid.market(s.cid, self.user, s.sv, side, self.qty(rng, s, t))
        return self.rest(rng, s, t, side, s.sv.anchor)


class Informed(Agent):
    kind = "informed"

    def act(self, rng, s, t):
        sv, fair = s.sv, s.fair
        anchor = sv.anchor
        gap = (fair - anchor) * PRICE_SCALE // anchor
        if gap > t.edge:      # the market is cheap: buy up to the value, no further
            return grid.limit(s.cid, self.user, sv, BUY, grid.price(sv, fair),
                              self.qty(rng, s, t, 2), IOC)
        if gap < -t.edge:
            return grid.limit(s.cid, self.user, sv, SELL, grid.price(sv, fair, up=True),
                              self.qty(rng, s, t, 2), IOC)
        if s.own and (rng.random() < 0.5 or self.must_cancel(s, t)):
            return self.cancel(rng, s)
        return self.rest(rng, s, t, BUY if rng.random() < 0.5 else SELL, fair)


class Momentum(Agent):
    kind = "momentum"

    def act(self, rng, s, t):
        if s.trend > t.threshold or s.trend < -t.threshold:
            return self.chase(rng, s, t, BUY if s.trend > 0 else SELL)
        if s.own and (rng.random() < 0.5 or self.must_cancel(s, t)):
            return self.cancel(rng, s)
        side = BUY if s.trend >= 0 else SELL      # lean with the weak trend, at the touch
        touch = s.sv.bid if side == BUY else s.sv.ask
        return grid.limit(s.cid, self.user, s.sv, side,
                          grid.price(s.sv, touch if touch is not None else s.sv.anchor,
                                     up=side == SELL),
                          self.qty(rng, s, t))

    def chase(self, rng, s, t, side):
        """Take what is on offer up to a few spreads through the mid, the rest cancelled."""
        sv = s.sv
        reach = 2 * grid.relative(sv.anchor, t.spread)
        p = sv.anchor + reach if side == BUY else sv.anchor - reach
        return grid.limit(s.cid, self.user, sv, side, grid.price(sv, p, up=side == SELL),
                          self.qty(rng, s, t), IOC)


KINDS = (Noise, Informed, Momentum)
