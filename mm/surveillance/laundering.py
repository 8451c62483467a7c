"""Money-laundering patterns in deposits and withdrawals.

Source: FATF Recommendations (2012, updated) and FATF "Money laundering and terrorist
financing red flag indicators associated with virtual assets" (2020): structuring
("smurfing") just below reporting thresholds, and funds deposited then withdrawn with
little or no trading.

- structuring: `min_count` or more deposits of `asset` within `window` seconds, each
  between (1 - `band`) x `threshold` and the threshold;
- in_and_out: a withdrawal of at least `out_ratio` of what the user deposited in that
  asset within `window` seconds, with at most `max_trades` trades in between.
"""
from collections import deque
from decimal import Decimal

from souq.engine.numbers import AMOUNT_SCALE

from .alert import CRITICAL, WARNING, Alert
from .params import Param
from .rule import Detector


def _amount(text: str) -> int:
    return int(Decimal(text) * AMOUNT_SCALE)


class Structuring(Detector):
    rule = "structuring"
    pattern = "deposits split to stay just under a reporting threshold"
    source = "FATF Recommendations; FATF red flag indicators for virtual assets (2020) s.2"
    OPS = frozenset({"deposit"})
    PARAMS = (
        Param("asset", "asset", "IRR", "the asset whose deposits are watched"),
        Param("threshold", "amount", "10000000000", "the reporting threshold in that asset", 0),
        Param("band", "ratio", 0.1, "how far under the threshold counts as just under", 0, 1),
        Param("window", "seconds", 86_400.0, "span the deposits are counted over", 1, 10**8),
        Param("min_count", "count", 3, "deposits just under the threshold that alert", 2, 10_000),
    )

    def __init__(self) -> None:
        super().__init__()
        self.under: dict = {}     # user -> deque[(ts, seq, amount)]

    def feed(self, e, ctx):
        if e.op != "deposit" or not e.accepted or e.body["asset"] != self.p["asset"]:
            return []
        top = _amount(self.p["threshold"])
        amount = e.amount()
        if not top - top * Decimal(str(self.p["band"])) <= amount < top:
            return []
        owner = ctx.owner(e.body["user"])
        q = self.under.setdefault(owner, deque())
        q.append((e.ts, e.seq, amount))
        while q[0][0] < e.ts - self.ns("window"):
            q.popleft()
        if len(self.under) > 100_000:
            self.under = {k: v for k, v in self.under.items() if v and v[-1][0] >= e.ts - self.ns("window")}
        if len(q) < self.p["min_count"]:
            return []
        first = q[0]
        q.clear()                      # the next alert needs min_count new deposits
        return [Alert(self.rule, CRITICAL, ctx.accounts(owner), None, first[1], e.seq, first[0], e.ts,
                      f"{self.p['min_count']} deposits of {self.p['asset']} just under the threshold "
                      f"{self.p['threshold']}",
                      scores={"deposits": self.p["min_count"], "min_count": self.p["min_count"],
                              "threshold": self.p["threshold"]})]


class InAndOut(Detector):
    rule = "in_and_out"
    pattern = "funds deposited, barely traded, and withdrawn again"
    source = "FATF red flag indicators for virtual assets (2020) s.3 (transaction patterns)"
    OPS, ON_TRADES = frozenset({"deposit", "withdraw"}), True
    PARAMS = (
        Param("window", "seconds", 86_400.0, "span from the deposits to the withdrawal", 1, 10**8),
        Param("out_ratio", "ratio", 0.8, "withdrawn share of the deposits that alerts", 0.01, 10),
        Param("max_trades", "count", 2, "most trades in between that still count as little", 0, 10**6),
    )

    def __init__(self) -> None:
        super().__init__()
        self.deposits: dict = {}  # (owner, asset) -> deque[(ts, seq, amount)]
        self.trades: dict = {}    # owner -> deque[ts]

    def feed(self, e, ctx):
        window = self.ns("window")
        for t in e.trades:
            for user in {t.maker_user, t.taker_user}:
                q = self.trades.setdefault(ctx.owner(user), deque(maxlen=self.p["max_trades"] + 1))
                q.append(e.ts)
        if e.op not in ("deposit", "withdraw") or not e.accepted:
            return []
        owner, asset = ctx.owner(e.body["user"]), e.body["asset"]
        q = self.deposits.setdefault((owner, asset), deque())
        while q and q[0][0] < e.ts - window:
            q.popleft()
        if e.op == "deposit":
            q.append((e.ts, e.seq, e.amount()))
            return []
        deposited = sum(x[2] for x in q)
        if not q or e.amount() < self.p["out_ratio"] * deposited:
            return []
        traded = sum(1 for ts in self.trades.get(owner, ()) if ts >= q[0][0])
        if traded > self.p["max_trades"]:
            return []
        first = q[0]
        q.clear()
        return [Alert(self.rule, WARNING, ctx.accounts(owner), None, first[1], e.seq, first[0], e.ts,
                      f"withdrew {e.body['amount']} {asset}, {e.amount() / deposited:.0%} of the "
                      f"deposits since, after {traded} trades",
                      scores={"out_ratio": round(e.amount() / deposited, 4),
                              "min_out_ratio": self.p["out_ratio"], "trades": traded,
                              "max_trades": self.p["max_trades"]})]
