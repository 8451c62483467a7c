"""Wash trading: trades that change no beneficial ownership.

Source: EU Market Abuse Regulation (596/2014) Annex I A(a) and ESMA's MAR guidelines
(improper matched orders / wash trades: "transactions ... where there is no change in
beneficial interest"); US Commodity Exchange Act s.4c(a)(2)(A) (wash sales). Two shapes:

- self-trades: buyer and seller are one owner (the same account that self-trade
  prevention let through, or accounts the operator linked as one owner);
- back-and-forth: two owners trading with each other in both directions, with little net
  change in either one's position, and that trading is most of what they do.

An honest account that crosses its own resting order now and then is not a wash trader:
the alert needs `min_trades` such trades in `window` seconds making up at least
`min_share` of the owner's traded quantity there.
"""
from collections import deque

from .alert import CRITICAL, WARNING, Alert
from .params import Param
from .rule import Detector


class WashTrading(Detector):
    rule = "wash_trading"
    pattern = "trades between accounts of one beneficial owner, or back-and-forth pairs"
    source = "EU MAR Annex I A(a); ESMA MAR guidelines; CEA s.4c(a)(2)(A)"
    OPS, ON_TRADES = frozenset(), True
    PARAMS = (
        Param("window", "seconds", 60.0, "span of trades looked at together", 1, 86_400),
        Param("min_trades", "count", 4, "wash trades in the window that raise an alert", 1, 10_000),
        Param("min_share", "ratio", 0.6, "share of each owner's traded quantity that is washed", 0, 1),
        Param("max_net", "ratio", 0.25, "back-and-forth: most net position change / gross", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        # (owner, symbol) -> [deque[(ts, tid, other, signed qty, seq, maker oid, taker oid)],
        #                     gross qty, {other: [trades, gross, net]}]
        self.books: dict = {}

    def feed(self, e, ctx):
        out = []
        if not e.trades:
            return out
        cutoff = e.ts - self.ns("window")
        for t in e.trades:
            buyer, seller = ctx.owner(t.buyer), ctx.owner(t.seller)
            sides = ((buyer, seller, 1),) if buyer == seller else ((buyer, seller, 1), (seller, buyer, -1))
            for me, other, sign in sides:
                book = self.books.get((me, t.symbol))
                if book is None:
                    book = self.books[(me, t.symbol)] = [deque(), 0, {}]
                self._add(book, (e.ts, t.tid, other, sign * t.qty, e.seq, t.maker_order,
                                 t.taker_order), cutoff)
                alert = self._check(me, other, t.symbol, book, e, ctx)
                if alert is not None:
                    out.append(alert)
        if self.trim_due(e.seq):
            for key in [k for k, b in self.books.items() if not b[0] or b[0][-1][0] < cutoff]:
                del self.books[key]
        return out

    @staticmethod
    def _add(book, fill, cutoff) -> None:
        q, _, pairs = book
        q.append(fill)
        book[1] += abs(fill[3])
        p = pairs.setdefault(fill[2], [0, 0, 0])
        p[0] += 1
        p[1] += abs(fill[3])
        p[2] += fill[3]
        while q[0][0] < cutoff:
            old = q.popleft()
            book[1] -= abs(old[3])
            p = pairs[old[2]]
            p[0] -= 1
            p[1] -= abs(old[3])
            p[2] -= old[3]
            if not p[0]:
                del pairs[old[2]]

    @staticmethod
    def _consume(book, other) -> None:
        q, _, pairs = book
        keep = [f for f in q if f[2] != other]
        q.clear()
        q.extend(keep)
        book[1] = sum(abs(f[3]) for f in keep)
        del pairs[other]

    def _check(self, me, other, symbol, book, e, ctx):
        p = self.p
        q, gross, pairs = book
        n, pair_gross, net = pairs[other]
        if n < p["min_trades"] or gross == 0:
            return None
        share = pair_gross / gross
        if share < p["min_share"]:
            return None
        scores = {"trades": n, "min_trades": p["min_trades"],
                  "share": round(share, 4), "min_share": p["min_share"]}
        if me == other:
            kind, users = "self-trades", ctx.accounts(me)
        else:
            ratio = abs(net) / pair_gross
            theirs = self.books.get((other, symbol))
            if ratio > p["max_net"] or theirs is None or not theirs[1] or \
                    theirs[2].get(me, (0, 0))[1] < p["min_share"] * theirs[1]:
                return None
            scores.update(net=round(ratio, 4), max_net=p["max_net"])
            kind, users = "back-and-forth trades", tuple(sorted(ctx.accounts(me) + ctx.accounts(other)))
        pair = [f for f in q if f[2] == other]
        self._consume(book, other)      # the next alert needs min_trades new trades
        return Alert(self.rule, CRITICAL if me == other else WARNING, users, symbol,
                     pair[0][4], e.seq, pair[0][0], e.ts,
                     f"{kind}: {n} trades, {share:.0%} of the owner's quantity in {symbol}",
                     orders=tuple(sorted({o for f in pair for o in f[5:7]})),
                     trades=tuple(f[1] for f in pair), scores=scores)
