"""Spoofing and layering: orders placed to be seen, not filled, while the same owner
trades on the other side at the price they pushed.

Source: Dodd-Frank Act s.747 (CEA s.4c(a)(5)(C): "bidding or offering with the intent to
cancel the bid or offer before execution"); EU MAR Annex I A(a)/Delegated Reg. 2016/522
Annex II 1(4) (layering and spoofing indicators); FCA MAR 1.6.2.

- spoofing: one large order (at least `size_x` times the symbol's typical order) near the
  last price, cancelled within `max_life` seconds with at most `max_fill` of it filled,
  while its owner traded on the other side between placing and cancelling it;
- layering: `min_levels` or more orders at distinct prices on one side, together at least
  `size_x` times the typical order, each cancelled within `max_life` seconds mostly
  unfilled, while the owner traded on the other side.
"""
from collections import deque

from .alert import CRITICAL, Alert
from .params import Param
from .rule import Detector

_SHARED = (
    Param("max_life", "seconds", 3.0, "longest an order rests before its cancel counts", 0.001, 3600),
    Param("max_fill", "ratio", 0.1, "largest filled share of a cancelled order", 0, 1),
    Param("near_bps", "bps", 100.0, "farthest from the last price an order still counts", 0, 10_000),
)


class _OtherSide(Detector):
    """Shared: each owner's recent trades by side and symbol, kept once in the Context
    (ctx.traded) for both rules."""
    OPS, ON_CLOSES = frozenset(), True

    def watch(self, ctx) -> None:
        """Make the Context keep trades as long as this rule looks back."""
        if ctx.traded_ns < 2 * self.ns("max_life"):
            ctx.traded_ns = 2 * self.ns("max_life")

    def other_side(self, ctx, owner, symbol, side, since) -> list:
        q = ctx.traded.get((owner, symbol, "sell" if side == "buy" else "buy"), ())
        return [x for x in q if x[0] >= since]

    def spoof_like(self, o, ctx, ts) -> bool:
        """Cancelled soon, mostly unfilled, near the last price."""
        p = self.p
        if o.price is None or ts - o.ts > self.ns("max_life") or o.filled > p["max_fill"] * o.qty:
            return False
        last = ctx.last.get(o.symbol)
        return last is None or abs(o.price - last) * 10_000 <= p["near_bps"] * last

    def cancelled(self, e, ctx):
        """The orders this entry cancelled that were placed by their own owner's hand."""
        for oid, status, _reason in e.closes:
            if status == "cancelled":
                o = ctx.orders.get(oid)
                if o is not None:
                    yield o


class Spoofing(_OtherSide):
    rule = "spoofing"
    pattern = "a large order near the touch cancelled unfilled while trading the other side"
    source = "CEA s.4c(a)(5)(C); EU Delegated Reg. 2016/522 Annex II 1(4); FCA MAR 1.6.2"
    PARAMS = _SHARED + (
        Param("size_x", "ratio", 15.0, "order size as a multiple of the symbol's typical order", 1, 1e6),
    )

    def feed(self, e, ctx):
        out = []
        for o in self.cancelled(e, ctx):
            typical = ctx.typical(o.symbol)
            if typical <= 0 or o.qty < self.p["size_x"] * typical or not self.spoof_like(o, ctx, e.ts):
                continue
            owner = ctx.owner(o.user)
            trades = self.other_side(ctx, owner, o.symbol, o.side, o.ts)
            if not trades or not self.fire((owner, o.symbol), e.ts, self.ns("max_life")):
                continue
            out.append(Alert(
                self.rule, CRITICAL, ctx.accounts(owner), o.symbol, o.oid, e.seq, o.ts, e.ts,
                f"{o.side} order {o.oid} of {o.qty / typical:.1f}x the typical size cancelled "
                f"after {(e.ts - o.ts) / 1e9:.2f} s while trading the other side",
                orders=(o.oid,), trades=tuple(x[1] for x in trades),
                scores={"size_x": round(o.qty / typical, 2), "min_size_x": self.p["size_x"],
                        "life_s": round((e.ts - o.ts) / 1e9, 3),
                        "filled": round(o.filled / o.qty, 4), "other_side_trades": len(trades)}))
        return out


class Layering(_OtherSide):
    rule = "layering"
    pattern = "orders stacked at several prices on one side, cancelled while trading the other"
    source = "EU Delegated Reg. 2016/522 Annex II 1(4)(b); CEA s.4c(a)(5)(C); FCA MAR 1.6.2"
    PARAMS = _SHARED + (
        Param("min_levels", "count", 4, "distinct prices among the cancelled orders", 2, 1000),
        Param("size_x", "ratio", 16.0, "their total size as a multiple of the typical order", 1, 1e6),
        Param("order_x", "ratio", 4.0, "each order's size as a multiple of the typical order", 0, 1e6),
    )

    def __init__(self) -> None:
        Detector.__init__(self)
        self.pulled: dict = {}    # (owner, symbol, side) -> deque[(ts, oid, price, qty, placed ts)]

    def feed(self, e, ctx):
        out = []
        life = self.ns("max_life")
        touched = set()
        for o in self.cancelled(e, ctx):
            if not self.spoof_like(o, ctx, e.ts) or o.qty < self.p["order_x"] * ctx.typical(o.symbol):
                continue
            key = (ctx.owner(o.user), o.symbol, o.side)
            q = self.pulled.setdefault(key, deque())
            q.append((e.ts, o.oid, o.price, o.qty, o.ts))
            while q[0][0] < e.ts - life:
                q.popleft()
            touched.add(key)
        for key in sorted(touched):
            alert = self._check(key, e, ctx)
            if alert is not None:
                out.append(alert)
        if self.trim_due(e.seq):
            for key in [k for k, q in self.pulled.items() if q[-1][0] < e.ts - life]:
                del self.pulled[key]
        return out

    def _check(self, key, e, ctx):
        owner, symbol, side = key
        q = self.pulled[key]
        levels = len({x[2] for x in q})
        typical = ctx.typical(symbol)
        total = sum(x[3] for x in q)
        if levels < self.p["min_levels"] or typical <= 0 or total < self.p["size_x"] * typical:
            return None
        trades = self.other_side(ctx, owner, symbol, side, min(x[4] for x in q))
        if not trades or not self.fire(key, e.ts, self.ns("max_life")):
            return None
        return Alert(
            self.rule, CRITICAL, ctx.accounts(owner), symbol, min(x[1] for x in q), e.seq,
            min(x[4] for x in q), e.ts,
            f"{len(q)} {side} orders at {levels} prices ({total / typical:.1f}x the typical "
            f"size) cancelled while trading the other side",
            orders=tuple(x[1] for x in q), trades=tuple(x[1] for x in trades),
            scores={"levels": levels, "min_levels": self.p["min_levels"],
                    "size_x": round(total / typical, 2), "min_size_x": self.p["size_x"],
                    "other_side_trades": len(trades)})
