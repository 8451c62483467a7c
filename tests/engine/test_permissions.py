"""Roles and permissions, duplicate client ids, deposits and withdrawals."""
import pytest

from souq.engine import commands as C

P = "100000000"

ADMIN_OPS = [
    ({"op": "symbol", "symbol": "ETH-IRR", "base": "ETH", "quote": "IRR", "tick_size": "1",
      "qty_step": "1"}, "only an admin may add symbols"),
    ({"op": "user", "user": "mallory"}, "only an admin may add users"),
    ({"op": "deposit", "user": "alice", "asset": "IRR", "amount": "1"},
     "only an admin may move deposits"),
    ({"op": "withdraw", "user": "alice", "asset": "IRR", "amount": "1"},
     "only an admin may move withdrawals"),
    ({"op": "session_open", "symbol": "BTC-IRR", "opening_price": "1000"},
     "only an admin may open sessions"),
    ({"op": "session_close", "symbol": "BTC-IRR"}, "only an admin may close sessions"),
    (C.SetSymbolActive("BTC-IRR", False), "only an admin may change symbols"),
    (C.SetUserStatus("bob", "suspended"), "only an admin may suspend or reinstate users"),
]


@pytest.mark.parametrize("role", ["trader", "market_maker"])
@pytest.mark.parametrize("cmd,reason", ADMIN_OPS, ids=[r.split(" may ")[1] for _, r in ADMIN_OPS])
def test_non_admin_actor_cannot_run_admin_commands(market, role, cmd, reason):
    h = market
    h.user("mm", role=role)
    h.limit("a1", "alice", "sell", P, "1")
    before, book = h.snapshot(), h.book()
    users, symbols = set(h.ex.users), set(h.ex.symbols)
    s = h.ex.symbols["BTC-IRR"]
    state = (s.open, s.sessions, s.active, s.spec.ref)
    got = h.apply(cmd, actor="mm" if role == "market_maker" else "alice")
    assert got.startswith(reason), got
    assert got.endswith(f"is a {role}")
    assert h.snapshot() == before and h.book() == book
    assert set(h.ex.users) == users and set(h.ex.symbols) == symbols
    assert (s.open, s.sessions, s.active, s.spec.ref) == state
    assert h.ex.users["bob"].status == "active"


def test_an_admin_user_may_run_admin_commands(market):
    h = market
    h.user("boss", role="admin")
    assert h.apply({"op": "user", "user": "erin"}, actor="boss") is None
    assert h.apply({"op": "deposit", "user": "erin", "asset": "IRR", "amount": "5"},
                   actor="boss") is None
    assert h.wallet("erin", "IRR") == ("5", "0")


def test_unknown_actor_is_rejected(market):
    h = market
    before = h.snapshot()
    assert h.apply({"op": "deposit", "user": "alice", "asset": "IRR", "amount": "1"},
                   actor="ghost") == "unknown user 'ghost'"
    assert h.limit("g1", "alice", "buy", P, "1", actor="ghost") == "unknown user 'ghost'"
    assert h.snapshot() == before and h.status("alice", "g1") is None


def test_trader_cannot_place_for_another_user(market):
    h = market
    before = h.snapshot()
    assert h.limit("x1", "bob", "buy", P, "1", actor="alice") == "alice may not act for bob"
    assert h.market("x2", "bob", "sell", "1", actor="alice") == "alice may not act for bob"
    assert h.snapshot() == before
    assert h.status("bob", "x1") is None   # nothing recorded under bob's ids
    assert h.limit("x1", "bob", "buy", P, "1", actor="bob") is None


def test_trader_cannot_cancel_for_another_user(market):
    h = market
    h.limit("b1", "bob", "buy", P, "1", actor="bob")
    before = h.snapshot()
    assert h.cancel("b1", "bob", actor="alice") == "alice may not act for bob"
    # naming herself with bob's id finds nothing of hers
    assert h.cancel("b1", "alice", actor="alice") == "unknown order id 'b1' for alice"
    assert h.apply(C.CancelAll("bob"), actor="alice") == "alice may not act for bob"
    assert h.status("bob", "b1") == "active" and h.snapshot() == before
    assert h.cancel("b1", "bob", actor="bob") is None
    assert h.order_obj("bob", "b1").reason == "cancelled by user"


def test_operator_may_act_for_any_user(market):
    h = market
    assert h.limit("b1", "bob", "buy", P, "1") is None
    assert h.cancel("b1", "bob") is None
    assert h.order_obj("bob", "b1").reason == "cancelled by @operator"


def test_system_accounts_cannot_trade(market):
    h = market
    for name in ("@fees", "@world"):
        assert h.limit("f1", name, "buy", P, "1") == f"unknown user {name!r}"
        assert h.apply({"op": "deposit", "user": name, "asset": "IRR", "amount": "1"}) == \
            f"unknown user {name!r}"


def test_suspended_user_orders_are_rejected_until_reinstated(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.apply(C.SetUserStatus("alice", "suspended")) is None
    before = h.snapshot()
    assert h.limit("a2", "alice", "sell", P, "1", actor="alice") == "user alice is suspended"
    assert h.status("alice", "a2") == "rejected"
    assert h.snapshot() == before
    # suspension cancelled her resting order at once (issue 10 item 2)
    assert h.status("alice", "a1") == "cancelled"
    assert h.cancel("a1", "alice", actor="alice") == "order 'a1' is already cancelled"
    assert h.apply(C.SetUserStatus("alice", "active")) is None
    assert h.limit("a3", "alice", "sell", P, "1", actor="alice") is None


def test_operator_cannot_be_suspended_and_status_must_be_known(market):
    h = market
    assert h.apply(C.SetUserStatus("@operator", "suspended")) == "the operator cannot be suspended"
    assert "unknown user status 'banned'" in h.apply(C.SetUserStatus("alice", "banned"))
    assert h.apply(C.SetUserStatus("nobody", "suspended")) == "unknown user 'nobody'"


def test_duplicate_client_id_is_rejected_and_changes_nothing(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    before, book = h.snapshot(), h.book()
    reason = h.limit("a1", "alice", "sell", "90000000", "5")
    assert reason == "duplicate client order id 'a1' for alice"
    assert h.snapshot() == before and h.book() == book
    o = h.order_obj("alice", "a1")
    assert (o.status, o.qty, o.price) == ("active", 10**9, 100_000_000 * 10**9)
    # another user may use the same id
    assert h.limit("a1", "bob", "buy", P, "1") is None
    assert h.status("alice", "a1") == "filled"


@pytest.mark.parametrize("end", ["filled", "cancelled", "rejected"])
def test_closed_order_ids_stay_taken(market, end):
    h = market
    if end == "filled":
        h.limit("c1", "carol", "buy", P, "1")
        h.limit("a1", "alice", "sell", P, "1")
    elif end == "cancelled":
        h.limit("a1", "alice", "sell", P, "1")
        h.cancel("a1", "alice")
    else:
        h.limit("a1", "alice", "sell", P, "100")   # she has 10 BTC
    assert h.status("alice", "a1") == end
    before = h.snapshot()
    assert "duplicate client order id 'a1'" in h.limit("a1", "alice", "sell", P, "1")
    assert h.snapshot() == before and h.status("alice", "a1") == end


def test_withdraw_beyond_available_is_rejected(market):
    h = market
    h.limit("a1", "alice", "sell", P, "4")
    assert h.wallet("alice", "BTC") == ("6", "4")
    before = h.snapshot()
    reason = h.apply({"op": "withdraw", "user": "alice", "asset": "BTC", "amount": "6.0001"})
    assert reason == "insufficient available BTC for alice: needs 6.0001, has 6"
    assert h.snapshot() == before
    assert "has 0" in h.apply({"op": "withdraw", "user": "alice", "asset": "ETH", "amount": "1"})
    assert h.apply({"op": "withdraw", "user": "nobody", "asset": "BTC", "amount": "1"}) == \
        "unknown user 'nobody'"
    assert h.apply({"op": "withdraw", "user": "alice", "asset": "BTC", "amount": "6"}) is None
    assert h.wallet("alice", "BTC") == ("0", "4")
    assert h.balance("@world", "BTC") == "-34"


def test_deposit_and_withdraw_move_exact_amounts(market):
    h = market
    h.ok({"op": "deposit", "user": "alice", "asset": "IRR", "amount": "0.000000000000000001"})
    assert h.wallet("alice", "IRR") == ("1000000000.000000000000000001", "0")
    h.ok({"op": "withdraw", "user": "alice", "asset": "IRR", "amount": "1000000000"})
    assert h.wallet("alice", "IRR") == ("0.000000000000000001", "0")
    assert h.apply({"op": "deposit", "user": "nobody", "asset": "IRR", "amount": "1"}) == \
        "unknown user 'nobody'"


def test_the_fee_account_may_be_withdrawn_from(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("b1", "bob", "buy", P, "1")
    assert h.apply({"op": "withdraw", "user": "@fees", "asset": "IRR", "amount": "300000"}) is None
    assert h.balance("@fees", "IRR") == "0"


def test_setup_rejections(market):
    h = market
    assert h.apply({"op": "user", "user": "alice"}) == "user alice already exists"
    assert h.apply({"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR",
                    "tick_size": "1", "qty_step": "1"}) == "symbol BTC-IRR already exists"
    assert "base and quote must differ" in h.apply(
        {"op": "symbol", "symbol": "X", "base": "IRR", "quote": "IRR", "tick_size": "1",
         "qty_step": "1"})
    assert "not a multiple of qty_step" in h.apply(
        {"op": "symbol", "symbol": "X", "base": "X", "quote": "IRR", "tick_size": "1",
         "qty_step": "0.5", "min_qty": "0.7"})
    assert "max_qty" in h.apply(
        {"op": "symbol", "symbol": "X", "base": "X", "quote": "IRR", "tick_size": "1",
         "qty_step": "1", "min_qty": "5", "max_qty": "2"})
    assert "ref_price 1.5 is not a multiple" in h.apply(
        {"op": "symbol", "symbol": "X", "base": "X", "quote": "IRR", "tick_size": "1",
         "qty_step": "1", "ref_price": "1.5"})
    assert h.apply({"op": "symbol", "symbol": "X", "base": "X", "quote": "IRR",
                    "tick_size": "1", "qty_step": "1", "daily_limit": "1"}) == \
        "daily_limit must be below 1"
    assert "X" not in h.ex.symbols
