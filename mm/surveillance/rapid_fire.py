"""Rapid-fire orders: bursts of orders and cancels, and an order-to-trade ratio far above
the market's.

Source: EU Delegated Reg. 2016/522 Annex II 1(4)(c) and MiFID II RTS 9 (order-to-trade
ratio, "excessive" messaging); IOSCO 2011 on quote stuffing. Two triggers:

- burst: `burst_count` or more order and cancel commands from one owner within
  `burst_window` seconds;
- ratio: over `window` seconds, at least `min_orders` orders and an orders-per-trade
  ratio at least `otr_x` times the whole market's.
"""
from collections import deque

from .alert import WARNING, Alert
from .entries import ORDER_OPS
from ..display import number
from .params import Param
from .rule import Detector

_MESSAGES = ORDER_OPS + ("cancel", "cancel_all")


class RapidFire(Detector):
    rule = "rapid_fire"
    pattern = "bursts of orders or cancels, or an order-to-trade ratio far above the market's"
    source = "EU Delegated Reg. 2016/522 Annex II 1(4)(c); MiFID II RTS 9; IOSCO 2011"
    OPS, ON_TRADES = frozenset(_MESSAGES), True
    PARAMS = (
        Param("burst_window", "seconds", 1.0, "span of a burst", 0.001, 3600),
        Param("burst_count", "count", 60, "orders and cancels in a burst that alert", 2, 10**7),
        Param("window", "seconds", 60.0, "span of the order-to-trade ratio", 1, 86_400),
        Param("min_orders", "count", 200, "orders in the window before the ratio counts", 1, 10**7),
        Param("otr_x", "ratio", 10.0, "the owner's ratio as a multiple of the market's", 1, 1e6),
    )

    def __init__(self) -> None:
        super().__init__()
        self.burst: dict = {}     # owner -> deque[(ts, seq)] of messages
        self.flow: dict = {}      # owner -> [deque[(ts, orders, trades, seq)], orders, trades]
        self.market: list = [deque(), 0, 0]

    def feed(self, e, ctx):
        out = []
        window = self.ns("window")
        ts = e.ts
        if e.op in _MESSAGES and "user" in e.body:
            owner = ctx.owner(e.body["user"])
            q = self.burst.get(owner)
            if q is None:
                q = self.burst[owner] = deque()
            q.append((ts, e.seq))
            since = ts - self.ns("burst_window")
            while q[0][0] <= since:
                q.popleft()
            if len(q) >= self.p["burst_count"] and self.fire((owner, "burst"), ts, self.ns("burst_window")):
                out.append(Alert(self.rule, WARNING, ctx.accounts(owner), e.body.get("symbol"),
                                 q[0][1], e.seq, q[0][0], ts,
                                 f"burst of {len(q)} orders and cancels in {number(self.p['burst_window'])} s",
                                 scores={"burst": len(q), "burst_count": self.p["burst_count"]}))
            if e.op in ORDER_OPS:
                acc = self.flow.get(owner)
                if acc is None:
                    acc = self.flow[owner] = [deque(), 0, 0]
                self._count(acc, ts, 1, 0, e.seq, window)
                self._count(self.market, ts, 1, 0, e.seq, window)
                if acc[1] >= self.p["min_orders"]:
                    alert = self._ratio(owner, e, ctx)
                    if alert is not None:
                        out.append(alert)
        if e.trades:
            flow, count = self.flow, self._count
            for t in e.trades:
                users = (t.maker_user,) if t.maker_user == t.taker_user else (t.maker_user, t.taker_user)
                for user in users:
                    owner = ctx.owner(user)
                    acc = flow.get(owner)
                    if acc is None:
                        acc = flow[owner] = [deque(), 0, 0]
                    count(acc, ts, 0, 1, e.seq, window)
            # the market's trades of one entry in one step: what the ratio reads is the sum
            count(self.market, ts, 0, len(e.trades), e.seq, window)
        if self.trim_due(e.seq):
            self._trim(ts - window)
        return out

    def _trim(self, cutoff: int) -> None:
        """Forget owners with nothing left in the window."""
        for key in [k for k, q in self.burst.items() if not q or q[-1][0] < cutoff]:
            del self.burst[key]
        for key in [k for k, acc in self.flow.items() if not acc[0] or acc[0][-1][0] < cutoff]:
            del self.flow[key]

    @staticmethod
    def _count(acc, ts, orders, trades, seq, window) -> None:
        q = acc[0]
        q.append((ts, orders, trades, seq))
        acc[1] += orders
        acc[2] += trades
        while q[0][0] < ts - window:
            _, o, t, _ = q.popleft()
            acc[1] -= o
            acc[2] -= t

    def _ratio(self, owner, e, ctx):
        q, orders, trades = self.flow[owner]
        if orders < self.p["min_orders"]:
            return None
        mine = orders / max(trades, 1)
        market = self.market[1] / max(self.market[2], 1)
        if mine < self.p["otr_x"] * market or not self.fire((owner, "otr"), e.ts, self.ns("window")):
            return None
        return Alert(self.rule, WARNING, ctx.accounts(owner), e.body.get("symbol"), q[0][3],
                     e.seq, q[0][0], e.ts,
                     f"order-to-trade ratio {mine:.1f}, {mine / market:.1f}x the market's {market:.1f}",
                     scores={"otr": round(mine, 2), "market_otr": round(market, 2),
                             "otr_x": round(mine / market, 2), "min_otr_x": self.p["otr_x"],
                             "orders": orders, "trades": trades})
