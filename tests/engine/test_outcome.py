"""Exchange.apply's Outcome: one result code per kind of refusal, the reason unchanged, and
typed events (with the journal's row of each) that say what happened."""
import pytest

from souq.engine import commands as C
from souq.engine.events import (
    ACCEPTED, OrderCancelled, OrderRejected, ResultCode as R, journal_rows,
)
from souq.engine.model import ClosedOrder, closed

P = "100000000"


def code(h):
    return h.last.code


@pytest.mark.parametrize("obj,actor,want", [
    ({"op": "limit", "id": "x", "user": "nobody", "symbol": "BTC-IRR", "side": "buy",
      "price": P, "qty": "1"}, "@operator", R.UNKNOWN_USER),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
      "price": P, "qty": "1"}, "alice", R.NOT_PERMITTED),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "NOPE", "side": "buy",
      "price": P, "qty": "1"}, "@operator", R.UNKNOWN_SYMBOL),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
      "price": "100000500", "qty": "1"}, "@operator", R.INVALID_PRICE),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
      "price": P, "qty": "0.00005"}, "@operator", R.INVALID_QTY),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
      "price": P, "qty": "1000"}, "@operator", R.INSUFFICIENT_FUNDS),
    ({"op": "limit", "id": "x", "user": "bob", "symbol": "BTC-IRR", "side": "buy",
      "price": "NaN", "qty": "1"}, "@operator", R.INVALID_INPUT),
    ({"op": "cancel", "id": "nope", "user": "bob"}, "@operator", R.UNKNOWN_ORDER),
    ({"op": "user", "user": "bob"}, "@operator", R.USER_EXISTS),
    ({"op": "user", "user": "erin"}, "bob", R.NOT_PERMITTED),
    ({"op": "withdraw", "user": "bob", "asset": "BTC", "amount": "11"}, "@operator",
     R.INSUFFICIENT_FUNDS),
])
def test_each_refusal_has_its_code_and_its_reason(market, obj, actor, want):
    h = market
    reason = h.apply(obj, actor)
    assert reason and code(h) is want and h.last.reason == reason and not h.last.accepted


def test_order_rules_at_activation_have_their_codes(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    h.limit("b1", "bob", "buy", P, "2", tif="post_only")
    assert code(h) is R.POST_ONLY_WOULD_CROSS
    h.limit("b2", "bob", "buy", P, "2", tif="fok")
    assert code(h) is R.FOK_NOT_FILLABLE
    [ev] = [e for e in h.last.events if type(e) is OrderRejected]
    assert ev.order.cid == "b2" and ev.reason == h.last.reason
    h.limit("b2", "bob", "buy", P, "1")
    assert code(h) is R.DUPLICATE_ORDER_ID


def test_a_closed_order_is_one_shared_record_under_its_id(market):
    h = market
    h.limit("a1", "alice", "sell", P, "1")
    assert h.cancel("a1", "alice") is None and code(h) is ACCEPTED
    [ev] = [e for e in h.last.events if type(e) is OrderCancelled]
    assert journal_rows([ev]) == [("order", ev.order.oid, "cancelled", "cancelled by @operator")]
    left = h.ex.users["alice"].orders["a1"]
    assert type(left) is ClosedOrder and left is closed("cancelled") and not left.is_open
    assert h.ex.users["alice"].open_orders() == []
    assert h.cancel("a1", "alice") == "order 'a1' is already cancelled"
    assert code(h) is R.ORDER_CLOSED


def test_session_and_admin_events_keep_their_journal_rows(market):
    h = market
    assert h.apply({"op": "session_close", "symbol": "BTC-IRR"}) is None
    assert journal_rows(h.last.events) == [("session", "BTC-IRR", "close")]
    h.limit("b1", "bob", "buy", P, "1")
    assert code(h) is R.SESSION_CLOSED
    assert h.apply(C.SetUserStatus("bob", "suspended")) is None
    assert journal_rows(h.last.events) == [("user", "bob", "trader", "suspended")]
