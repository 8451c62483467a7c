"""Helpers for the engine tests: feed stream objects to an Exchange, read balances as text.

Imported by name from the tests, so it is a module of its own rather than conftest.

Balances are compared as exact decimal strings (engine.numbers.fmt_amount), so a test
says `"99900000"` and a single 1e-18 of drift fails it.
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:   # the project is not installed; make `engine` importable
    sys.path.insert(0, str(ROOT))

from souq.engine.events import OrderEvent, journal_rows, trades_of  # noqa: E402
from souq.engine.exchange import Exchange  # noqa: E402
from souq.engine.invariants import check_exchange  # noqa: E402
from souq.engine.model import AVAIL, HELD, OPERATOR, Order  # noqa: E402
from souq.engine.numbers import AMOUNT_DP, fmt, fmt_amount, parse_fixed  # noqa: E402
from souq.engine.stream import is_skipped, parse_command, trade_record  # noqa: E402

SYM = "BTC-IRR"
PRICE = "100000000"          # 100,000,000 IRR per BTC
#: the order-stream format's worked example, copied from the contract (tests/fixtures)
EXAMPLE = ROOT / "tests" / "fixtures" / "example-seed-trade.jsonl"


def amount(text: str) -> int:
    """A decimal string to the engine's 1e-18 integer (signed)."""
    return parse_fixed(text, AMOUNT_DP, "amount", positive=False, max_whole=10**30)


class Harness:
    """An Exchange plus the few views a test needs. Every apply checks the invariants."""

    def __init__(self):
        self.ex = Exchange()
        self.ts = 0
        self.orders: dict[tuple[str, str], Order] = {}   # (user, cid) -> every order seen
        self.outcomes: list = []    # every Outcome since the last trades()
        self.last = None            # the last command's Outcome

    # ------------------------------------------------------------- feeding commands
    def apply(self, obj, actor: str = OPERATOR):
        """Apply one stream object (dict or JSON text) or a ready command; the reason."""
        if isinstance(obj, str):
            obj = json.loads(obj)
        cmd = parse_command(obj) if isinstance(obj, dict) else obj
        self.ts += 1
        out = self.last = self.ex.apply(cmd, ts=self.ts, actor=actor)
        self.outcomes.append(out)
        for e in out.events:
            o = getattr(e, "order", None)
            if o is not None:
                self.orders[(o.user.name, o.cid)] = o
        problems = check_exchange(self.ex)
        assert problems == [], problems
        return out.reason

    def ok(self, obj, actor: str = OPERATOR):
        reason = self.apply(obj, actor)
        assert reason is None, f"{obj} rejected: {reason}"

    def run(self, text: str) -> list:
        """Every non-skipped JSONL line; their reasons (None = accepted)."""
        return [self.apply(line) for line in text.splitlines() if not is_skipped(line)]

    def symbol(self, symbol=SYM, base="BTC", quote="IRR", tick="1000", step="0.0001", **kw):
        self.ok({"op": "symbol", "symbol": symbol, "base": base, "quote": quote,
                 "tick_size": tick, "qty_step": step, **kw})

    def user(self, name, role=None):
        self.ok({"op": "user", "user": name, **({"role": role} if role else {})})

    def deposit(self, user, asset, amt):
        self.ok({"op": "deposit", "user": user, "asset": asset, "amount": amt})

    def order(self, op, id, user, side, qty, symbol=SYM, actor=None, **kw):
        obj = {"op": op, "id": id, "user": user, "symbol": symbol, "side": side, "qty": qty}
        obj.update(kw)
        return self.apply(obj, actor or OPERATOR)

    def limit(self, id, user, side, price, qty, **kw):
        return self.order("limit", id, user, side, qty, price=price, **kw)

    def market(self, id, user, side, qty, **kw):
        return self.order("market", id, user, side, qty, **kw)

    def stop_limit(self, id, user, side, stop, price, qty, **kw):
        return self.order("stop_limit", id, user, side, qty, stop_price=stop, price=price, **kw)

    def stop_market(self, id, user, side, stop, qty, **kw):
        return self.order("stop_market", id, user, side, qty, stop_price=stop, **kw)

    def cancel(self, id, user, actor=None):
        return self.apply({"op": "cancel", "id": id, "user": user}, actor or OPERATOR)

    # ------------------------------------------------------------- reading state
    def wallet(self, user, asset) -> tuple[str, str]:
        w = self.ex.users[user].wallets.get(asset, [0, 0])
        return fmt_amount(w[AVAIL]), fmt_amount(w[HELD])

    def balance(self, user, asset) -> str:
        w = self.ex.users[user].wallets.get(asset, [0, 0])
        return fmt_amount(w[AVAIL] + w[HELD])

    def snapshot(self) -> dict:
        """Every non-empty wallet, for before/after comparisons."""
        return {(u.name, a): tuple(w) for u in self.ex.users.values()
                for a, w in u.wallets.items() if w != [0, 0]}

    def order_obj(self, user, cid) -> Order:
        """The Order object, open or closed."""
        return self.orders[(user, cid)]

    def status(self, user, cid) -> str | None:
        o = self.ex.users[user].orders.get(cid)
        if o is None:
            return None
        return o.status

    def filled(self, user, cid) -> str:
        return fmt(self.order_obj(user, cid).filled)

    def book(self, symbol=SYM) -> dict:
        """{"bids": [(price, qty, [cids])...], "asks": [...]} best first."""
        s = self.ex.symbols[symbol]
        out = {}
        for side, book in (("bids", s.bids), ("asks", s.asks)):
            out[side] = [(fmt(lv.price), fmt(lv.total),
                          [o.cid for o in lv.orders if o.status in ("active", "partial")])
                         for lv in book.values()]
        return out

    def stops(self, symbol=SYM) -> list[str]:
        return [o.cid for o in self.ex.symbols[symbol].stops]

    def trades(self) -> list[dict]:
        """Trades since the last call, in the format's trade shape."""
        outcomes, self.outcomes = self.outcomes, []
        return [trade_record(t) for t in trades_of(outcomes)]

    def order_events(self) -> list[tuple]:
        """The last command's order status events as journal rows
        ("order", oid, status, reason)."""
        return journal_rows(e for e in self.last.events if isinstance(e, OrderEvent))
