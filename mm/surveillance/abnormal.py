"""Abnormal volume and prices (a pump), and marking the close.

Source: MAR (EU 596/2014) Annex I A(a) ("orders to trade given or transactions undertaken
represent a significant proportion of the ... volume ..., in particular when those
activities lead to a significant change in the price"); EU Delegated Reg. 2016/522
Annex II 1(1)-(3) (trading that moves the price, "pump and dump"); SEC Rule 10b-5
pump-and-dump cases; for the close, MAR Annex I A(c) and Reg. 2016/522 Annex II 1(2)(d)
("marking the close").

- abnormal_volume: trading is cut into `bucket`-second buckets per symbol. Within one, each
  owner's *aggressive* quantity per side is summed: every order priced to take (a market
  order, a buy limit at or above the last trade price, a sell limit at or below it) at its
  full size, filled or not -- a pump on a thin book keeps sending buys the book cannot fill,
  and MAR counts orders given as well as trades. Its *reach* is how far those orders' limits
  and fills went past the price the bucket opened at, in bps. When the bucket ends, the
  owner-side with the largest aggressive quantity alerts when all hold: it is at least
  `min_share` of the bucket's aggressive quantity (one hand), at least `volume_x` typical
  orders of the symbol (the median of its last 255 orders, a rolling baseline that needs no
  warm-up), its reach at least `move_bps`; and, once `min_baseline` earlier buckets exist,
  the quantity's and the reach's robust z-scores against the previous `baseline` buckets
  (their top aggressive quantity and reach; quiet buckets count as 0) at least `volume_z`
  and `price_z`.
- marking_close: when a session closes, trades in the last `window` seconds that moved
  the price at least `move_bps` from where it stood before them, with one owner taking
  at least `min_share` of that volume in the direction of the move.

All windows are judged on journal time (each entry's `ts`), the one clock of every rule.
"""
from collections import deque

from souq.mm.display import number

from .alert import CRITICAL, WARNING, Alert
from .entries import ORDER_OPS
from .params import Param
from .rule import Detector

# one open bucket: [start ns, open price, first seq, {(owner, side): [qty, reach bps, tids, seqs]}]
START, OPEN, FIRST, BY = range(4)


class AbnormalVolume(Detector):
    rule = "abnormal_volume"
    pattern = ("one owner's orders and trades far larger than the symbol's usual flow, "
               "pushing the price (pump)")
    source = "MAR Annex I A(a); EU Delegated Reg. 2016/522 Annex II 1(1)-(3); SEC Rule 10b-5"
    OPS, ON_TRADES = frozenset(ORDER_OPS), True
    PARAMS = (
        Param("bucket", "seconds", 5.0, "length of one bucket", 0.1, 86_400),
        Param("baseline", "count", 60, "previous buckets that make the baseline", 5, 100_000),
        Param("min_baseline", "count", 10, "buckets needed before the z-scores count", 3, 100_000),
        Param("volume_x", "ratio", 500.0, "aggressive quantity in typical orders that alerts", 1, 1e9),
        Param("move_bps", "bps", 80.0, "reach past the bucket's opening price that alerts", 0, 100_000),
        Param("volume_z", "z", 10.0, "aggressive quantity z-score that alerts", 0, 1000),
        Param("price_z", "z", 3.0, "reach z-score that alerts", 0, 1000),
        Param("min_share", "ratio", 0.5, "share of the bucket's aggressive quantity of one owner", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        self.open: dict = {}      # symbol -> its open bucket (START.. above)
        self.ends = 0             # the earliest end of an open bucket (ns); 0: none open
        self.history: dict = {}   # symbol -> deque[(top aggressive qty, its reach bps)]

    def feed(self, e, ctx):
        out = []
        if self.ends and e.ts >= self.ends:
            out = self._close_due(e, ctx)
        if e.op in ORDER_OPS and e.accepted:
            self._order(e, ctx)
        for t in e.trades:
            b = self._bucket(t.symbol, e, ctx)
            side = t.taker_side
            acc = self._acc(b, ctx.owner(t.taker_user), side)
            acc[1] = max(acc[1], _reach(b[OPEN], t.price, side))
            if len(acc[2]) < 50:
                acc[2].append(t.tid)
        return out

    def _order(self, e, ctx) -> None:
        o = ctx.orders.get(e.seq)          # the Context parsed it before the rules see it
        if o is None:
            return
        last = ctx.last.get(o.symbol)
        if last is None:
            return
        side, limit = o.side, o.price
        if limit is not None and (limit < last if side == "buy" else limit > last):
            return                                  # a resting order: it does not take
        b = self._bucket(o.symbol, e, ctx)
        acc = self._acc(b, ctx.owner(o.user), side)
        acc[0] += o.qty
        if limit is not None:
            acc[1] = max(acc[1], _reach(b[OPEN], limit, side))
        if len(acc[3]) < 50:
            acc[3].append(e.seq)

    def _bucket(self, symbol, e, ctx):
        b = self.open.get(symbol)
        if b is None:
            size = self.ns("bucket")
            start = e.ts - e.ts % size
            b = self.open[symbol] = [start, ctx.last.get(symbol), e.seq, {}]
            self.ends = start + size if not self.ends else min(self.ends, start + size)
        if b[OPEN] is None and e.trades:
            b[OPEN] = e.trades[0].price
        return b

    @staticmethod
    def _acc(b, owner, side):
        acc = b[BY].get((owner, side))
        if acc is None:
            acc = b[BY][(owner, side)] = [0, 0.0, [], []]
        return acc

    def _close_due(self, e, ctx):
        out = []
        size = self.ns("bucket")
        for symbol in sorted(s for s, b in self.open.items() if e.ts >= b[START] + size):
            alert = self._close(symbol, self.open.pop(symbol), e, ctx)
            if alert is not None:
                out.append(alert)
        self.ends = min((b[START] + size for b in self.open.values()), default=0)
        return out

    def _close(self, symbol, b, e, ctx):
        size = self.ns("bucket")
        by = b[BY]
        top = max(by, key=lambda k: (by[k][0], k), default=None)
        qty, reach = (by[top][0], by[top][1]) if top is not None else (0, 0.0)
        hist = self.history.get(symbol)
        if hist is None or hist.maxlen != self.p["baseline"]:
            hist = self.history[symbol] = deque(hist or (), maxlen=self.p["baseline"])
        alert = None
        if top is not None and qty:
            alert = self._score(symbol, b, top, qty, reach, hist, e, ctx)
        hist.append((qty, reach))
        # buckets without an aggressive order are part of the baseline too (0, 0): a thin
        # market's quiet seconds are what makes a burst in it abnormal
        quiet = min((e.ts - b[START]) // size - 1, hist.maxlen)
        hist.extend((0, 0.0) for _ in range(quiet))
        return alert

    def _score(self, symbol, b, top, qty, reach, hist, e, ctx):
        total = sum(acc[0] for acc in b[BY].values())
        typical = ctx.typical(symbol)
        size_x = qty / typical if typical else 0.0
        p = self.p
        if qty < p["min_share"] * total or size_x < p["volume_x"] or reach < p["move_bps"]:
            return None
        scores = {"typical_x": round(size_x, 1), "min_typical_x": p["volume_x"],
                  "reach_bps": round(reach, 1), "min_reach_bps": p["move_bps"],
                  "share": round(qty / total, 4), "min_share": p["min_share"]}
        if len(hist) >= p["min_baseline"]:
            vz = _z(qty, [h[0] for h in hist], floor=typical)
            pz = _z(reach, [h[1] for h in hist], floor=1.0)
            if vz < p["volume_z"] or pz < p["price_z"]:
                return None
            scores.update(volume_z=round(vz, 2), min_volume_z=p["volume_z"],
                          price_z=round(pz, 2), min_price_z=p["price_z"])
        owner, side = top
        if not self.fire((owner, symbol), e.ts, self.ns("bucket")):
            return None
        _, _, tids, seqs = b[BY][top]
        start, size = b[START], self.ns("bucket")
        return Alert(self.rule, CRITICAL, ctx.accounts(owner), symbol, b[FIRST], e.seq, start,
                     start + size,
                     f"{owner} {side}s {number(size_x, 0)}x the typical order in {number(p['bucket'])} s, "
                     f"reaching {number(reach, 0)} bps past the price "
                     f"({qty / total:.0%} of the aggressive flow)",
                     orders=tuple(seqs), trades=tuple(tids), scores=scores)


class MarkingClose(Detector):
    rule = "marking_close"
    pattern = "trades just before a session closes that move the closing price"
    source = "EU MAR Annex I A(c); EU Delegated Reg. 2016/522 Annex II 1(2)(d)"
    OPS, ON_TRADES = frozenset({"session_close"}), True
    PARAMS = (
        Param("window", "seconds", 60.0, "span before the close that is looked at", 1, 86_400),
        Param("move_bps", "bps", 100.0, "price move over that span that alerts", 1, 100_000),
        Param("min_share", "ratio", 0.5, "share of the span's volume taken by one owner", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        self.recent: dict = {}    # symbol -> deque[(ts, seq, tid, price, qty, taker owner, side)]
        self.before: dict = {}    # symbol -> last price before the recent trades

    def feed(self, e, ctx):
        window = self.ns("window")
        for t in e.trades:
            q = self.recent.setdefault(t.symbol, deque())
            if not q and t.symbol not in self.before:
                self.before[t.symbol] = ctx.last.get(t.symbol, t.price)
            q.append((e.ts, e.seq, t.tid, t.price, t.qty, ctx.owner(t.taker_user), t.taker_side))
        for symbol, q in self.recent.items():
            while q and q[0][0] < e.ts - window:
                self.before[symbol] = q.popleft()[3]
        if e.op == "session_close" and e.accepted:
            alert = self._check(e.body["symbol"], e, ctx)
            return [alert] if alert is not None else []
        return []

    def _check(self, symbol, e, ctx):
        q = self.recent.get(symbol)
        p0 = self.before.get(symbol)
        if not q or not p0:
            return None
        p1 = q[-1][3]
        move = (p1 - p0) * 10_000 / p0
        if abs(move) < self.p["move_bps"]:
            return None
        side = "buy" if move > 0 else "sell"
        volume = sum(x[4] for x in q)
        by: dict = {}
        for x in q:
            if x[6] == side:
                by[x[5]] = by.get(x[5], 0) + x[4]
        big = sorted(o for o, v in by.items() if v >= self.p["min_share"] * volume)
        if not big:
            return None
        users = tuple(sorted({a for o in big for a in ctx.accounts(o)}))
        return Alert(self.rule, WARNING, users, symbol, q[0][1], e.seq, q[0][0], e.ts,
                     f"the close moved {move:+.0f} bps in the last {number(self.p['window'])} s, "
                     f"{side}s mostly by {', '.join(big)}",
                     trades=tuple(x[2] for x in q if x[5] in big),
                     scores={"move_bps": round(move, 1), "min_move_bps": self.p["move_bps"],
                             "share": round(max(by[o] for o in big) / volume, 4)})


def _reach(start: int | None, price: int, side: str) -> float:
    """How far `price` lies past `start` in the direction of a `side` order, in bps (0 when
    it does not, or there is no start)."""
    if not start:
        return 0.0
    return max(0.0, (price - start if side == "buy" else start - price) * 10_000 / start)


def _z(x: float, xs: list, floor: float = 0.0) -> float:
    """The robust (modified) z-score of x against xs: (x - median) / (1.4826 MAD), after
    Iglewicz and Hoaglin (1993), so one earlier pump in the baseline does not hide the
    next. Where more than half the baseline is one value (MAD 0: a thin market's many quiet
    buckets), the mean absolute deviation from the median scaled by 1.2533 (sqrt(pi/2))
    stands in for it, the usual fallback of the modified z-score. The scale is floored at
    5 % of the median, at `floor` (in x's unit: one typical order for a quantity, 1 bp for a
    price) and at 1e-9, for a flat baseline."""
    ordered = sorted(xs)
    med = _median(ordered)
    deviations = [abs(v - med) for v in ordered]
    mad = _median(sorted(deviations))
    scale = 1.4826 * mad if mad else 1.2533 * sum(deviations) / len(deviations)
    return (x - med) / max(scale, abs(med) * 0.05, floor, 1e-9)


def _median(ordered: list) -> float:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
