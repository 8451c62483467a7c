"""Random command sequences, good and bad, against the exchange's invariants.

After every command: `check_exchange` finds nothing; for each asset the accounts
(everyone but @world) hold exactly what this test saw deposited minus withdrawn; a
rejected command changed no wallet, no book and made no trade; order statuses only move
along the life cycle; every trade is at the maker's price, within the taker's limit and
the daily band, with exactly the symbol's fees.
"""
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

import engine_harness  # noqa: F401  (makes `engine` importable)
from souq.engine import commands as C
from souq.engine.events import ORDER_EVENTS, OrderEvent, ResultCode
from souq.engine.exchange import Exchange
from souq.engine.fees import buy_hold
from souq.engine.invariants import check_exchange
from souq.engine.model import (
    ACTIVE, BUY, CANCELLED, EXPIRED, FILLED, LIMIT, NEW, OPERATOR, PARTIAL, QUEUED, REJECTED,
    STOP_LIMIT, STPS, TIFS, WORLD, Order,
)
from souq.engine.numbers import PRICE_SCALE, fmt, fmt_amount
from souq.engine.stream import StreamError, parse_command

USERS = ["alice", "bob", "carol", "dave"]
ASSETS = ["BTC", "ETH", "IRR"]
# "new" becomes a fresh id; the others repeat, so duplicates and stale cancels happen
IDS = st.sampled_from(["new"] * 12 + [f"o{i}" for i in range(4)])
HUGE = "1" + "0" * 30

SYMBOLS = {
    # tick 1, step 0.01, band +-20 % around 100
    "BTC-IRR": {"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR",
                "tick_size": "1", "qty_step": "0.01", "daily_limit": "0.2",
                "ref_price": "100"},
    # tick 0.5, step 0.1, min 0.2, max 50, no band, maker fee above taker fee
    "ETH-IRR": {"op": "symbol", "symbol": "ETH-IRR", "base": "ETH", "quote": "IRR",
                "tick_size": "0.5", "qty_step": "0.1", "min_qty": "0.2", "max_qty": "50",
                "maker_fee": "0.003", "taker_fee": "0.001"},
}

GOOD_PRICES = {
    "BTC-IRR": st.integers(85, 115).map(str),
    "ETH-IRR": st.integers(380, 420).map(lambda n: fmt(n * PRICE_SCALE // 2)),
}
GOOD_QTYS = {
    "BTC-IRR": st.integers(1, 300).map(lambda n: fmt(n * PRICE_SCALE // 100)),
    "ETH-IRR": st.integers(2, 60).map(lambda n: fmt(n * PRICE_SCALE // 10)),
}
BAD_NUMBERS = st.sampled_from(["0", "-3", "NaN", "Infinity", "-Infinity", "1e2", HUGE, "abc",
                               "0.0000000001", "", "1.2.3"])
PRICES = {
    "BTC-IRR": st.one_of(st.integers(70, 130).map(str), st.integers(70, 130).map(str),
                         st.just("100.5"), BAD_NUMBERS),
    "ETH-IRR": st.one_of(st.integers(300, 500).map(lambda n: fmt(n * PRICE_SCALE // 2)),
                         st.just("200.25"), BAD_NUMBERS),
}
PRICES["NOPE-IRR"] = PRICES["BTC-IRR"]
QTYS = {
    "BTC-IRR": st.one_of(st.integers(1, 300).map(lambda n: fmt(n * PRICE_SCALE // 100)),
                         st.integers(1, 300).map(lambda n: fmt(n * PRICE_SCALE // 100)),
                         st.sampled_from(["0.005", "100000"]), BAD_NUMBERS),
    "ETH-IRR": st.one_of(st.integers(1, 600).map(lambda n: fmt(n * PRICE_SCALE // 10)),
                         st.sampled_from(["0.15"]), BAD_NUMBERS),
}
QTYS["NOPE-IRR"] = QTYS["BTC-IRR"]
AMOUNTS = st.one_of(st.integers(1, 100_000).map(str),
                    st.integers(1, 10**24).map(fmt_amount))
RATES = st.sampled_from([None, 0, 500_000, 1_000_000, 2_000_000, 5_000_000])

NEXT = {NEW: {QUEUED}, QUEUED: {ACTIVE, REJECTED, CANCELLED, EXPIRED},
        ACTIVE: {PARTIAL, FILLED, CANCELLED, EXPIRED},
        PARTIAL: {FILLED, CANCELLED, EXPIRED}}


@st.composite
def order_objects(draw, good=False):
    """A stream order object; `good` ones have well-formed numbers on a real symbol."""
    op = draw(st.sampled_from(["limit", "limit", "limit", "market", "stop_limit",
                               "stop_market"]))
    symbols = ["BTC-IRR", "ETH-IRR"] if good else ["BTC-IRR", "ETH-IRR"] * 3 + ["NOPE-IRR"]
    sym = draw(st.sampled_from(symbols))
    prices, qtys = (GOOD_PRICES, GOOD_QTYS) if good else (PRICES, QTYS)
    users = USERS if good else USERS * 4 + ["ghost"]
    obj = {"op": op, "id": draw(IDS), "user": draw(st.sampled_from(users)),
           "symbol": sym, "side": draw(st.sampled_from(["buy", "sell"])),
           "qty": draw(qtys[sym])}
    if op in ("limit", "stop_limit"):
        obj["price"] = draw(prices[sym])
        if draw(st.booleans()):
            obj["tif"] = draw(st.sampled_from(TIFS))
    if op.startswith("stop"):
        obj["stop_price"] = draw(prices[sym])
    if draw(st.booleans()):
        obj["stp"] = draw(st.sampled_from(STPS))
    return obj


ACTORS = st.sampled_from(["self"] * 6 + [OPERATOR, "other", "ghost"])


class ExchangeMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.ex = Exchange()
        self.net = {a: 0 for a in ASSETS}      # deposits - withdrawals seen by this test
        self.status: dict[int, str] = {}       # oid -> last status seen in events
        self.ts = 0
        self.fresh = 0

    # ------------------------------------------------------------------ plumbing
    def wallets(self):
        return {(u.name, a): tuple(w) for u in self.ex.users.values()
                for a, w in u.wallets.items() if w != [0, 0]}

    def books(self):
        out = []
        for s in self.ex.symbols.values():
            for book in (s.bids, s.asks):
                out.append([(lv.price, lv.count, lv.total) for lv in book.values()])
            out.append([o.oid for o in s.stops])
        return out

    def do(self, cmd, actor=OPERATOR):
        if isinstance(cmd, dict):
            if cmd.get("id") == "new":
                self.fresh += 1
                cmd = {**cmd, "id": f"n{self.fresh}"}
            cmd = parse_command(cmd)
        before_w, before_b = self.wallets(), self.books()
        self.ts += 1
        out = self.ex.apply(cmd, ts=self.ts, actor=actor)
        reason, trades = out.reason, out.trades()
        orders = {e.order.oid: e.order for e in out.events if type(e) in ORDER_EVENTS}
        assert (out.code is ResultCode.ACCEPTED) == (reason is None)

        assert check_exchange(self.ex) == []
        self.check_events(cmd, out)
        if reason is not None:
            assert isinstance(reason, str) and reason and "\n" not in reason
            assert self.wallets() == before_w, f"rejected ({reason}) but wallets changed"
            assert self.books() == before_b, f"rejected ({reason}) but the book changed"
            assert trades == []
        self.check_trades(trades)
        for o in orders.values():
            if o.status not in (QUEUED, ACTIVE, PARTIAL):
                assert o.hold == 0, f"closed order {o.oid} still holds {o.hold}"
            assert o.status == REJECTED or 0 <= o.filled <= o.qty   # qty None: unreadable
            if o.status == FILLED:
                assert o.filled == o.qty
        return reason

    def check_events(self, cmd, out):
        reason = out.reason
        last = {}
        for ev in out.events:
            if not isinstance(ev, OrderEvent):
                continue
            oid, status = ev.order.oid, ev.status
            prev = self.status.get(oid)
            if prev is None:
                assert status == NEW, ev
            else:
                assert status in NEXT.get(prev, ()), f"order {oid}: {prev} -> {status}"
            self.status[oid] = last[oid] = status
        if reason is not None and isinstance(cmd, C.PlaceOrder) and last:
            # the placed order is the first one the events mention
            assert list(last.values())[0] == REJECTED, (reason, out.events)

    def check_trades(self, trades):
        for tid, _seq, _ts, name, price, qty, m, o, maker_fee, taker_fee, side in trades:
            s = self.ex.symbols[name]
            assert s.open and s.active
            assert qty > 0 and qty % s.spec.step == 0 and price % s.spec.tick == 0
            assert m.sym is s and o.sym is s and m.side != o.side and side == o.side
            assert m.type in (LIMIT, STOP_LIMIT) and price == m.price   # the maker's price
            if o.price is not None:                                    # within the limit
                assert price <= o.price if o.side == BUY else price >= o.price
            band = s.spec.band_limits()
            assert band is None or band[0] <= price <= band[1], "traded outside the band"
            n = price * qty
            for paid, rate in ((maker_fee, s.spec.maker), (taker_fee, s.spec.taker)):
                # rounded up to the quote's unit: never below the exact fee, never a whole
                # unit above it, never 0 at a positive rate
                assert paid % s.fee_q == 0
                assert paid * PRICE_SCALE >= n * rate > (paid - s.fee_q) * PRICE_SCALE
                assert paid > 0 or rate == 0

    # ------------------------------------------------------------------ rules
    @initialize()
    def setup(self):
        for obj in SYMBOLS.values():
            assert self.do(obj) is None
        for name in USERS:
            role = "market_maker" if name == "dave" else "trader"
            assert self.do({"op": "user", "user": name, "role": role}) is None
            for asset, amt in (("BTC", "50"), ("ETH", "50"), ("IRR", "100000")):
                assert self.do({"op": "deposit", "user": name, "asset": asset,
                                "amount": amt}) is None
                self.net[asset] += int(amt) * 10**18

    @rule(user=st.sampled_from(USERS + ["ghost", "@fees", "@world"]),
          asset=st.sampled_from(ASSETS), amount=AMOUNTS,
          actor=st.sampled_from([OPERATOR] * 4 + ["alice"]))
    def deposit(self, user, asset, amount, actor):
        cmd = parse_command({"op": "deposit", "user": user, "asset": asset, "amount": amount})
        reason = self.do(cmd, actor)
        if reason is None:
            self.net[asset] += cmd.amount
        else:
            assert actor != OPERATOR or user not in USERS

    @rule(user=st.sampled_from(USERS + ["ghost", "@fees"]), asset=st.sampled_from(ASSETS),
          amount=AMOUNTS, actor=st.sampled_from([OPERATOR] * 4 + ["bob"]))
    def withdraw(self, user, asset, amount, actor):
        cmd = parse_command({"op": "withdraw", "user": user, "asset": asset, "amount": amount})
        if self.do(cmd, actor) is None:
            self.net[asset] -= cmd.amount

    @rule(batch=st.lists(st.tuples(order_objects(), ACTORS), min_size=1, max_size=4))
    def place(self, batch):
        """Anything: bad numbers, unknown users and symbols, someone else acting."""
        for obj, actor in batch:
            if actor == "self":
                actor = obj["user"] if obj["user"] in USERS else OPERATOR
            elif actor == "other":
                actor = "carol" if obj["user"] != "carol" else "alice"
            reason = self.do(obj, actor)
            if actor == "ghost":
                assert reason == "unknown user 'ghost'"

    @rule(batch=st.lists(order_objects(good=True), min_size=1, max_size=6))
    def trade(self, batch):
        """Well-formed orders by their owners around the market, so they cross."""
        for obj in batch:
            self.do(obj, obj["user"])

    @rule(user=st.sampled_from(USERS + ["ghost"]), pick=st.integers(0, 10**6), actor=ACTORS)
    def cancel(self, user, pick, actor):
        """Mostly one of the user's own ids (open or closed), sometimes an unknown one."""
        known = list(self.ex.users[user].orders) if user in self.ex.users else []
        cid = known[pick % len(known)] if known and pick % 5 else f"x{pick}"
        actor = {"self": user if user in USERS else OPERATOR,
                 "other": "dave" if user != "dave" else "bob"}.get(actor, actor)
        self.do({"op": "cancel", "id": cid, "user": user}, actor)

    @rule(user=st.sampled_from(USERS + ["ghost"]), pick=st.integers(0, 10**6), actor=ACTORS,
          price=st.one_of(st.none(), st.integers(80, 120).map(str), st.just("200.25"),
                          BAD_NUMBERS),
          qty=st.one_of(st.none(), st.integers(1, 400).map(lambda n: fmt(n * PRICE_SCALE // 10)),
                        BAD_NUMBERS))
    def amend(self, user, pick, actor, price, qty):
        """Amend one of the user's orders (open or closed, or an unknown id): a smaller
        quantity keeps its rank, anything else gets a fresh one; a refused amend changes
        nothing (checked in `do`)."""
        known = list(self.ex.users[user].orders) if user in self.ex.users else []
        cid = known[pick % len(known)] if known and pick % 5 else f"x{pick}"
        actor = {"self": user if user in USERS else OPERATOR,
                 "other": "dave" if user != "dave" else "bob"}.get(actor, actor)
        obj = {"op": "amend", "id": cid, "user": user}
        if price is not None:
            obj["price"] = price
        if qty is not None:
            obj["qty"] = qty
        before = self.ex.users[user].orders.get(cid) if user in self.ex.users else None
        was_open = before is not None and before.is_open
        rank = before.rank if was_open else None
        old = (before.price, before.qty) if was_open else None
        seq = self.ex.seq + 1
        if self.do(obj, actor) is None and was_open:
            now = self.ex.users[user].orders.get(cid)
            if now is not None and now.is_open and now.rank is not None:
                kept = now.price == old[0] and now.qty <= old[1]
                assert now.rank == (rank if kept else seq), (rank, now.rank, kept)

    @rule(asset=st.sampled_from(ASSETS + ["USD"]), places=st.integers(0, 18))
    def precision(self, asset, places):
        """The operator sets an asset's precision; resting buys are re-held for it."""
        assert self.do(C.SetAssetPrecision(asset, places)) is None
        assert self.do(C.SetAssetPrecision(asset, places), "alice") is not None

    @rule(user=st.sampled_from(USERS), symbol=st.sampled_from([None, "BTC-IRR", "ETH-IRR"]))
    def cancel_all(self, user, symbol):
        assert self.do(C.CancelAll(user, symbol), user) is None

    @rule(symbol=st.sampled_from(list(SYMBOLS) * 3 + ["NOPE-IRR"]),
          open_=st.sampled_from([True] * 4 + [False]),
          opening=st.one_of(st.none(), st.integers(90, 110)), maker=RATES, taker=RATES)
    def session(self, symbol, open_, opening, maker, taker):
        if open_:
            price = None if opening is None else opening * PRICE_SCALE
            self.do(C.SessionOpen(symbol, price, maker, taker))
        else:
            self.do({"op": "session_close", "symbol": symbol})

    @rule(user=st.sampled_from(USERS), symbol=st.sampled_from(list(SYMBOLS)),
          which=st.sampled_from(["user", "symbol"]),
          on=st.sampled_from([True, True, False]))
    def status(self, user, symbol, which, on):
        if which == "user":
            self.do(C.SetUserStatus(user, "active" if on else "suspended"))
        else:
            self.do(C.SetSymbolActive(symbol, on))

    @rule(obj=st.sampled_from([{"op": "user", "user": "eve"},
                               {"op": "session_close", "symbol": "BTC-IRR"},
                               {"op": "withdraw", "user": "alice", "asset": "IRR",
                                "amount": "1"},
                               {"op": "dance"}, {"op": "cancel", "id": "o1"},
                               {"op": "limit", "id": "o1", "user": "alice", "symbol": "BTC-IRR",
                                "side": "buy", "price": "100", "qty": "1", "colour": "red"},
                               {"op": "market", "id": "o1", "user": "alice", "symbol": "BTC-IRR",
                                "side": "up", "qty": "1"},
                               {"op": "deposit", "user": "alice", "asset": "IRR",
                                "amount": "NaN"}]),
          actor=st.sampled_from(USERS + ["ghost"]))
    def junk(self, obj, actor):
        """Admin commands by non-admins are rejected; malformed objects never parse."""
        try:
            cmd = parse_command(obj)
        except StreamError:
            return
        assert self.do(cmd, actor) is not None

    # ------------------------------------------------------------------ after every step
    @invariant()
    def check_totals(self):
        totals = {a: 0 for a in ASSETS}
        for u in self.ex.users.values():
            if u.name == WORLD:
                continue
            for asset, (avail, held) in u.wallets.items():
                totals[asset] += avail + held
        assert totals == self.net

    @invariant()
    def check_orders_are_where_they_say(self):
        for u in self.ex.users.values():
            for o in u.orders.values():
                if o.is_open:
                    assert type(o) is Order and o.status in (QUEUED, ACTIVE, PARTIAL)
                else:
                    assert o.status in (FILLED, CANCELLED, EXPIRED, REJECTED)
        for s in self.ex.symbols.values():
            band = s.spec.band_limits()
            for book in (s.bids, s.asks):
                for level in book.values():
                    assert band is None or band[0] <= level.price <= band[1], \
                        "resting outside the band"
                    for o in level.orders:
                        if o.status in (ACTIVE, PARTIAL):
                            assert o.type in (LIMIT, STOP_LIMIT), "a market order rests"

    @invariant()
    def check_escrow_covers_the_rest(self):
        """A sell reserves exactly its unfilled base; a limit buy at least the rest at its
        price plus the worse of the two fee rates. (A stop-market buy's reserve is released
        when it triggers and the market buy is capped by what is available, so it is not
        re-sized when session_open changes the fee rates.)"""
        for u in self.ex.users.values():
            for o in u.open_orders():
                s, rem = o.sym, o.qty - o.filled
                if o.side != BUY:
                    assert o.hold == rem * 10**9, (o.oid, o.hold, rem)
                    continue
                if o.price is None:
                    continue
                # what the fills of the rest can charge, however they are split
                want = buy_hold(o.price, rem, s.spec.step, max(s.spec.maker, s.spec.taker), s.fee_q)
                assert o.hold >= want, (o.oid, o.hold, want)


ExchangeMachine.TestCase.settings = settings(
    max_examples=60, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.large_base_example])
TestExchange = ExchangeMachine.TestCase
