"""Circular trading: a ring of owners (A sells to B, B to C, C back to A) passing the same
quantity around, so volume appears while nobody's position changes.

Source: ESMA MAR guidelines (2016/1477) on "circular trading" among the indicators of
fictitious transactions; SEBI's circular-trading orders. An alert needs `min_cycles`
closed rings among the same owners within `window` seconds, each leg within `qty_tol` of
the first leg's quantity: a single ring of small honest trades happens by chance.
"""
from collections import deque

from .alert import CRITICAL, Alert
from .params import Param
from .rule import Detector


class CircularTrading(Detector):
    rule = "circular_trading"
    pattern = "a cycle of three or more owners passing the same quantity around"
    source = "ESMA MAR guidelines 2016/1477 (circular trading); SEBI circular-trading orders"
    OPS, ON_TRADES = frozenset(), True
    PARAMS = (
        Param("window", "seconds", 60.0, "span in which a ring must close", 1, 86_400),
        Param("qty_tol", "ratio", 0.0, "how far a leg's quantity may differ from the first", 0, 1),
        Param("min_cycles", "count", 2, "closed rings among the same owners", 1, 1000),
        Param("min_share", "ratio", 0.5, "share of each member's traded quantity in the rings", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        self.legs: dict = {}      # (symbol, seller) -> {buyer: deque[(ts, tid, qty, seq)]}
        self.into: dict = {}      # (symbol, buyer) -> {seller: the same deque}: legs by buyer
        self.rings: dict = {}     # (symbol, ring) -> deque[(ts, first seq, tids, qty)]
        self.fresh: dict = {}     # (symbol, ring) -> rings closed since its last alert
        self.volume: dict = {}    # (symbol, owner) -> [deque[(ts, qty)], total]

    def feed(self, e, ctx):
        out = []
        window = self.ns("window")
        cutoff = e.ts - window
        for t in e.trades:
            s, b = ctx.owner(t.seller), ctx.owner(t.buyer)
            if s == b:
                continue
            for owner in (s, b):
                self._traded(t.symbol, owner, e.ts, t.qty, cutoff)
            ring = self._close(t.symbol, s, b, t.qty, cutoff)
            if ring is None:
                pairs = self.legs.setdefault((t.symbol, s), {})
                q = pairs.get(b)
                if q is None:
                    q = pairs[b] = deque()
                    self.into.setdefault((t.symbol, b), {})[s] = q
                q.append((e.ts, t.tid, t.qty, e.seq))
                continue
            owners, tids, first_seq, first_ts = ring
            key = (t.symbol, tuple(sorted(owners)))
            seen = self.rings.setdefault(key, deque())
            while seen and seen[0][0] < cutoff:
                seen.popleft()
            seen.append((first_ts, first_seq, tids + (t.tid,), t.qty))
            fresh = self.fresh[key] = min(self.fresh.get(key, 0) + 1, len(seen))
            # every ring in the window counts toward the share, alerted or not: the share
            # asks how much of what the members trade is passed around the ring
            share = min(2 * sum(r[3] for r in seen) / self.volume[(t.symbol, o)][1] for o in owners)
            if fresh >= self.p["min_cycles"] and share >= self.p["min_share"]:
                seen = list(seen)[-fresh:]
                users = tuple(sorted({a for o in owners for a in ctx.accounts(o)}))
                out.append(Alert(self.rule, CRITICAL, users, t.symbol, seen[0][1], e.seq,
                                 seen[0][0], e.ts,
                                 f"{len(seen)} trading rings among {', '.join(key[1])} in {t.symbol}",
                                 trades=tuple(x for r in seen for x in r[2]),
                                 scores={"cycles": len(seen), "min_cycles": self.p["min_cycles"],
                                         "ring": len(owners), "share": round(share, 4),
                                         "min_share": self.p["min_share"]}))
                self.fresh[key] = 0     # the next alert needs min_cycles new rings
        if self.trim_due(e.seq, 20_000):
            self._trim(cutoff)
        return out

    def _traded(self, symbol, owner, ts, qty, cutoff) -> None:
        v = self.volume.get((symbol, owner))
        if v is None:
            v = self.volume[(symbol, owner)] = [deque(), 0]
        v[0].append((ts, qty))
        v[1] += qty
        while v[0][0][0] < cutoff:
            v[1] -= v[0].popleft()[1]

    def _trim(self, cutoff: int) -> None:
        for key in [k for k, v in self.volume.items() if v[0][-1][0] < cutoff]:
            del self.volume[key]
        for key in [k for k, q in self.rings.items() if not q or q[-1][0] < cutoff]:
            del self.rings[key]
            self.fresh.pop(key, None)
        for key, pairs in list(self.legs.items()):
            for b in [b for b, q in pairs.items() if not q or q[-1][0] < cutoff]:
                del pairs[b]
                sellers = self.into[(key[0], b)]
                del sellers[key[1]]
                if not sellers:
                    del self.into[(key[0], b)]
            if not pairs:
                del self.legs[key]

    def _recent(self, symbol, seller, buyer, cutoff):
        q = self.legs.get((symbol, seller), {}).get(buyer)
        if not q:
            return ()
        while q and q[0][0] < cutoff:
            q.popleft()
        return q

    def _close(self, symbol, seller, buyer, qty, cutoff):
        """Has the new leg seller -> buyer closed a ring buyer -> x -> seller, every leg's
        quantity within the tolerance? (owners, earlier trade ids, first seq, first ts).
        A leg closes one ring only: both earlier legs are used up."""
        tol = self.p["qty_tol"] * qty
        sold = self.legs.get((symbol, buyer))          # buyer -> x
        bought = self.into.get((symbol, seller))       # x -> seller
        if not sold or not bought:
            return None
        both = sold.keys() & bought.keys()
        if len(both) > 1:       # in the order the legs began, as a set's order is not fixed
            both = [x for x in sold if x in both]
        for x in both:
            if x == seller:
                continue
            first = self._recent(symbol, buyer, x, cutoff)
            second = self._recent(symbol, x, seller, cutoff)
            for leg1 in first:
                if abs(leg1[2] - qty) > tol:
                    continue
                for leg2 in second:
                    if leg2[1] > leg1[1] and abs(leg2[2] - qty) <= tol:
                        first.remove(leg1)
                        second.remove(leg2)
                        return (buyer, x, seller), (leg1[1], leg2[1]), leg1[3], leg1[0]
        return None
