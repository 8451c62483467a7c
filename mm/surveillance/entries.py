"""The journal as the detectors see it: one Entry per journal row, with the trades it made.

The journal row holds the command (the order-stream body), its status and reason, and its
events; the trades table holds each trade's sides, prices and quantities. Prices and
quantities become engine integers (1e-9), amounts 1e-18, here at the edge."""
from dataclasses import dataclass
from functools import lru_cache

import orjson

from souq.db.load import to_int
from souq.engine.numbers import AMOUNT_SCALE

CLOSED = ("filled", "cancelled", "expired", "rejected")

# Prices and quantities (1e-9) from their decimal text. A market repeats a few hundred
# prices and sizes, so a bounded cache turns most conversions into one lookup.
units = lru_cache(maxsize=1 << 16)(to_int)
NONE = ()     # an entry's closes or trades when it has none
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
    closes: list | tuple = ()   # [(order id, final status, reason)]
    trades: list | tuple = ()   # [Trade]

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def amount(self) -> int:
        """A deposit's or withdrawal's amount (1e-18)."""
        return to_int(self.body["amount"], AMOUNT_SCALE)


def build(row: tuple, trades: dict[int, tuple]) -> Entry:
    """A journal row (seq, ts, actor, op, body JSON, status, reason, events parsed) and the
    trade rows by id (db.surveil.journal_batch's shapes) to an Entry. An entry that closed
    no order and made no trade shares one empty tuple for each (most entries: no
    allocation the garbage collector would have to walk)."""
    seq, ts, actor, op, body, status, reason, events = row
    closes, made = NONE, NONE
    for ev in events:
        kind = ev[0]
        if kind == "order":
            if ev[2] in CLOSED:
                if closes is NONE:
                    closes = []
                closes.append((ev[1], ev[2], ev[3]))
        elif kind == "trade":
            tid, symbol, price, qty, maker_order, taker_order, maker_user, taker_user, side = \
                trades[ev[1]]
            if made is NONE:
                made = []
            made.append(Trade(tid, symbol, units(price), units(qty), maker_order,
                              taker_order, maker_user, taker_user, side))
    return Entry(seq, ts, actor, op, orjson.loads(body), status, reason, closes, made)
