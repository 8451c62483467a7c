"""Issue 10 item 2 in the engine: suspension cancels the user's live orders at once, and a
stop of a suspended user never triggers into a trade (the CLI reproducer is in
tests/cli/test_suspension.py)."""
from souq.engine import commands as C
from souq.engine.model import SUSPENDED

P = "100000000"


def test_suspension_cancels_resting_orders_and_stops_in_every_symbol(market):
    h = market
    h.limit("a1", "alice", "buy", P, "1")
    h.limit("a2", "alice", "sell", "101000000", "2")
    assert h.stop_limit("a3", "alice", "buy", "101000000", "101000000", "1") is None
    h.limit("b1", "bob", "sell", "102000000", "1")
    assert h.apply(C.SetUserStatus("alice", "suspended")) is None
    assert [h.status("alice", c) for c in ("a1", "a2", "a3")] == ["cancelled"] * 3
    assert h.status("bob", "b1") == "active"
    ex = h.ex
    assert all(w[1] == 0 for w in ex.users["alice"].wallets.values())   # every hold released
    assert ex.symbols["BTC-IRR"].stops == []
    assert h.apply(C.SetUserStatus("alice", "active")) is None
    assert h.status("alice", "a1") == "cancelled"   # reinstating restores nothing


def test_a_stop_found_for_a_suspended_user_never_trades(market):
    """A state rebuilt from a database written before the rule (a suspended user with a
    live stop): the stop is cancelled when its price comes, never filled."""
    h = market
    h.limit("b1", "bob", "sell", P, "2")
    assert h.stop_market("a1", "alice", "buy", P, "1") is None
    h.ex.users["alice"].status = SUSPENDED          # as loaded from such a database
    h.limit("c1", "carol", "buy", P, "1")           # trades at 100000000: alice's stop fires
    assert h.status("alice", "a1") == "cancelled"
    assert h.ex.users["alice"].orders["a1"].status == "cancelled"
    assert [(t["maker_user"], t["taker_user"]) for t in h.trades()] == [("bob", "carol")]
