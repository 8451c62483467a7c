"""The journal as the detectors see it: one Entry per journal row, with the trades it made.

The journal row holds the command (the order-stream body), its status and reason, and its
events; the trades table holds each trade's sides, prices and quantities. Prices and
quantities become engine integers (1e-9), amounts 1e-18, here at the edge."""
from dataclasses import dataclass, field

import orjson

from db.load import to_int
from engine.numbers import AMOUNT_SCALE

CLOSED = ("filled", "cancelled", "expired", "rejected")
ORDER_OPS = ("limit", "market", "stop_limit", "stop_market")


@dataclass(slots=True)
class Trade:
    tid: int
    symbol: str
    price: int
    qty: int
    maker_order: int
    taker_order: int
    maker_user: str
    taker_user: str
    taker_side: str

    @property
    def seller(self) -> str:
        return self.taker_user if self.taker_side == "sell" else self.maker_user

    @property
    def buyer(self) -> str:
        return self.taker_user if self.taker_side == "buy" else self.maker_user


@dataclass(slots=True)
class Entry:
    seq: int
    ts: int                  # ns, as journalled
    actor: str
    op: str
    body: dict
    status: str              # accepted | rejected
    reason: str | None
    closes: list = field(default_factory=list)   # [(order id, final status, reason)]
    trades: list = field(default_factory=list)   # [Trade]

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def amount(self) -> int:
        """A deposit's or withdrawal's amount (1e-18)."""
        return to_int(self.body["amount"], AMOUNT_SCALE)


def trade_ids(events_json: str) -> list[int]:
    return [ev[1] for ev in orjson.loads(events_json) if ev[0] == "trade"]


def build(row: dict, trades: dict[int, dict]) -> Entry:
    """A journal row (seq, ts, actor, op, body, status, reason, events) and the trade rows
    by id to an Entry."""
    events = orjson.loads(row["events"])
    e = Entry(row["seq"], row["ts"], row["actor"], row["op"], orjson.loads(row["body"]),
              row["status"], row["reason"])
    for ev in events:
        if ev[0] == "order" and ev[2] in CLOSED:
            e.closes.append((ev[1], ev[2], ev[3]))
        elif ev[0] == "trade":
            t = trades[ev[1]]
            e.trades.append(Trade(t["id"], t["symbol"], to_int(t["price"]), to_int(t["qty"]),
                                  t["maker_order"], t["taker_order"], t["maker_user"],
                                  t["taker_user"], t["taker_side"]))
    return e
