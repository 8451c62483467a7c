"""The desk's decision pipeline, from one configuration: strategy.decide -> Controls.apply
-> Risk.clip -> quote_engine.reconcile -> typed order commands (mm/venue/ports.py).

It reads nothing and sends nothing: the runner (mm/desk/runner.py) hands it a Context and
sends the commands it returns through a venue. Prices and quantities at 1e-9, times in ns.
"""
from dataclasses import dataclass, field

from souq.mm.venue.ports import Amend, Cancel, OrderCommand, Place

from .alerts import AlertRules
from .controls import Controls
from .fair import FairPrice
from .params import config_items, validate
from .quote_engine import Refresh, reconcile
from .quotes import Context, Live, Quote
from .risk import Risk
from .strategy import template


@dataclass
class Orders:
    """What one decision sends: cancels, then amends (with what each becomes), then
    places (symbol, quote)."""
    cancels: list[Live] = field(default_factory=list)
    amends: list[tuple[Live, Quote]] = field(default_factory=list)
    places: list[tuple[str, Quote]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.cancels or self.places or self.amends)


class Pipeline:
    """The pieces one configuration decides with: its strategy, controls, risk, fair price,
    refresh rule, the symbols it watches and its alert rules. `cfg` is a configuration row
    (template, params, symbol); `peak` the equity peak risk keeps across a reload (1e-18).
    Raises ValueError (params.validate) for bad parameters."""

    def __init__(self, cfg: dict, sink, peak: int | None = None) -> None:
        cls = template(cfg["template"])
        self.strategy = cls(validate(cls.spec(), cfg["params"]))
        p = self.p = self.strategy.p
        self.symbol = cfg["symbol"]
        self.controls = Controls(p)
        self.risk = Risk(p)
        self.risk.peak = peak
        self.fair = FairPrice(p.fair_source, p.ema_half_life, p.fair_symbol)
        self.refresh_rule = Refresh(p.order_refresh_time, p.order_refresh_tolerance,
                                    p.max_order_age)
        # the books a strategy sees: its own, the cross fair's, any other *_symbol param
        self.watch = [self.symbol] + sorted({
            v for k, v in config_items(p) if k.endswith("_symbol") and isinstance(v, str) and v
            and v != self.symbol})
        self.rules = AlertRules(sink, p)

    def wanted(self, ctx: Context, paused: bool) -> list[Quote]:
        """The quotes to hold: the strategy's (none while paused) through the controls,
        then clipped by risk (whose guards the alert rules hear of)."""
        wanted = [] if paused else self.controls.apply(self.strategy.decide(ctx), ctx)
        wanted = self.risk.clip(wanted, ctx)
        self.rules.guards(ctx.now, self.risk.guards)
        return wanted

    def plan(self, wanted: list[Quote], ctx: Context, last_refresh: int | None,
             force: bool) -> Orders:
        """Per watched symbol, what turns the live orders into `wanted`."""
        out = Orders()
        own = self.symbol
        for sym in self.watch:
            mine = [q for q in wanted if (q.symbol or own) == sym]
            live = tuple([o for o in ctx.live if o.symbol == sym])   # no generator per call
            if not mine and not live:
                continue
            plan = reconcile(mine, live, ctx.now, ctx.books[sym].spec.tick, self.refresh_rule,
                             last_refresh, force=force)
            out.cancels += plan.cancels
            out.places += [(sym, q) for q in plan.places]
            out.amends += plan.amends
        return out


def commands(orders: Orders, next_cid) -> list[OrderCommand]:
    """`orders` as typed commands; `next_cid()` names each new order."""
    cmds: list[OrderCommand] = [Cancel(o.cid) for o in orders.cancels]
    cmds += [amend_of(o, q) for o, q in orders.amends]
    cmds += [Place(next_cid(), sym, q.side, q.price, q.qty, q.tif) for sym, q in orders.places]
    return cmds


def amend_of(o: Live, q: Quote) -> Amend:
    """The amend that turns live order `o` into quote `q`: the new price if it moves, the
    new total quantity (what is filled stays filled) if the rest changes."""
    return Amend(o.cid, q.price if q.price != o.price else None,
                 o.qty - o.remaining + q.qty if q.qty != o.remaining else None)


def requeued(orders: Orders) -> set[str]:
    """Client ids of amends that lose their place in the queue (a new price or more size)."""
    return {o.cid for o, q in orders.amends if q.price != o.price or q.qty > o.remaining}
