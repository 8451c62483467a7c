"""Abnormal volume and prices, and marking the close.

Source: EU Delegated Reg. 2016/522 Annex II 1(1)-(3) (trading that moves the price, a
large share of the volume, "pump and dump"); SEC Rule 10b-5 pump-and-dump cases; for the
close, EU MAR Annex I A(c) and Reg. 2016/522 Annex II 1(2)(d) ("marking the close").

- abnormal_volume: trading is cut into `bucket`-second buckets per symbol; when a bucket
  ends, its volume and its price range (high - low, bps of the open) are scored against
  the previous `baseline` buckets as robust z-scores (median and MAD). Both z-scores at or above `volume_z` and `price_z` raise an
  alert when one owner took at least `min_share` of the bucket's volume as taker (one
  hand drove it); the alert names that owner.
- marking_close: when a session closes, trades in the last `window` seconds that moved
  the price at least `move_bps` from where it stood before them, with one owner taking
  at least `min_share` of that volume in the direction of the move.
"""
from collections import deque

from .alert import CRITICAL, WARNING, Alert
from .params import Param
from .rule import Detector


class AbnormalVolume(Detector):
    rule = "abnormal_volume"
    pattern = "a symbol's volume and price move far outside their rolling baseline (pump)"
    source = "EU Delegated Reg. 2016/522 Annex II 1(1)-(3); SEC Rule 10b-5 pump-and-dump"
    PARAMS = (
        Param("bucket", "seconds", 5.0, "length of one bucket", 0.1, 86_400),
        Param("baseline", "count", 60, "previous buckets that make the baseline", 5, 100_000),
        Param("min_baseline", "count", 10, "buckets needed before scoring starts", 3, 100_000),
        Param("volume_z", "z", 3.0, "volume z-score that alerts", 0, 1000),
        Param("price_z", "z", 5.0, "price-move z-score that alerts", 0, 1000),
        Param("min_share", "ratio", 0.5, "share of the bucket's volume one owner took as taker", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        # symbol -> [bucket start, volume, open, last, {owner: (qty, tids)}, first seq, high, low]
        self.open: dict = {}
        self.history: dict = {}   # symbol -> deque[(volume, |move| in bps)]

    def feed(self, e, ctx):
        out = []
        size = self.ns("bucket")
        for symbol in sorted(self.open):
            b = self.open[symbol]
            if e.ts >= b[0] + size:
                alert = self._close(symbol, b, e, ctx)
                if alert is not None:
                    out.append(alert)
                del self.open[symbol]
        for t in e.trades:
            b = self.open.get(t.symbol)
            if b is None:
                start = ctx.last.get(t.symbol, t.price)
                b = self.open[t.symbol] = [e.ts - e.ts % size, 0, start, start, {}, e.seq, start, start]
            b[1] += t.qty
            b[3] = t.price
            b[6] = max(b[6], t.price)
            b[7] = min(b[7], t.price)
            owner = ctx.owner(t.taker_user)
            qty, tids = b[4].get(owner, (0, ()))
            b[4][owner] = (qty + t.qty, tids + (t.tid,) if len(tids) < 50 else tids)
        return out

    def _close(self, symbol, b, e, ctx):
        first, high, low = b[2], b[6], b[7]
        volume = b[1]
        move = (high - low) * 10_000 / first if first else 0.0
        hist = self.history.setdefault(symbol, deque(maxlen=self.p["baseline"]))
        alert = None
        if len(hist) >= self.p["min_baseline"]:
            vz = _z(volume, [h[0] for h in hist])
            pz = _z(move, [h[1] for h in hist])
            if vz >= self.p["volume_z"] and pz >= self.p["price_z"]:
                alert = self._alert(symbol, b, vz, pz, move, e, ctx)
        if hist.maxlen != self.p["baseline"]:
            hist = self.history[symbol] = deque(hist, maxlen=self.p["baseline"])
        hist.append((volume, move))
        # buckets without a trade are part of the baseline too (volume 0, no move): a thin
        # market's quiet seconds are what makes a burst in it abnormal
        quiet = min((e.ts - b[0]) // self.ns("bucket") - 1, hist.maxlen)
        hist.extend((0, 0.0) for _ in range(quiet))
        return alert

    def _alert(self, symbol, b, vz, pz, move, e, ctx):
        start, volume, _first, _last, takers, first_seq = b[:6]
        big = sorted(o for o, (q, _) in takers.items() if q >= self.p["min_share"] * volume)
        if not big or not self.fire((tuple(big), symbol), e.ts, self.ns("bucket")):
            return None
        users = tuple(sorted({a for o in big for a in ctx.accounts(o)}))
        return Alert(self.rule, CRITICAL, users, symbol, first_seq, e.seq, start,
                     start + self.ns("bucket"),
                     f"volume z {vz:.1f} and price move {move:.0f} bps (z {pz:.1f}) in "
                     f"{self.p['bucket']:g} s, taken mostly by {', '.join(big)}",
                     trades=tuple(t for o in big for t in takers[o][1]),
                     scores={"volume_z": round(vz, 2), "min_volume_z": self.p["volume_z"],
                             "price_z": round(pz, 2), "min_price_z": self.p["price_z"],
                             "move_bps": round(move, 1),
                             "share": round(max(takers[o][0] for o in big) / volume, 4)})


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
                     f"the close moved {move:+.0f} bps in the last {self.p['window']:g} s, "
                     f"{side}s mostly by {', '.join(big)}",
                     trades=tuple(x[2] for x in q if x[5] in big),
                     scores={"move_bps": round(move, 1), "min_move_bps": self.p["move_bps"],
                             "share": round(max(by[o] for o in big) / volume, 4)})


def _z(x: float, xs: list) -> float:
    """The robust (modified) z-score of x against xs: (x - median) / (1.4826 MAD), after
    Iglewicz and Hoaglin (1993), so one earlier pump in the baseline does not hide the
    next. Where more than half the baseline is one value (MAD 0: a thin market's many quiet
    buckets), the mean absolute deviation from the median scaled by 1.2533 (sqrt(pi/2))
    stands in for it, the usual fallback of the modified z-score. The scale is floored at
    5 % of the median (and 1e-9) for a flat baseline."""
    ordered = sorted(xs)
    med = _median(ordered)
    deviations = [abs(v - med) for v in ordered]
    mad = _median(sorted(deviations))
    scale = 1.4826 * mad if mad else 1.2533 * sum(deviations) / len(deviations)
    return (x - med) / max(scale, abs(med) * 0.05, 1e-9)


def _median(ordered: list) -> float:
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2
