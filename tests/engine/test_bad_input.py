"""Bad input: every rejection names its cause, changes no balance and leaves the book be.

Orders whose numbers are unreadable still become (rejected) orders, so a replay records
them; a line that breaks the stream format is a StreamError naming the field or op.
"""
import pytest

from souq.engine import commands as C
from souq.engine.stream import StreamError, parse_command

P = "100000000"
HUGE = "1" + "0" * 30

BAD_NUMBERS = [
    ("0", "must be positive, got '0'"),
    ("-1", "must be positive, got '-1'"),
    ("-0.5", "must be positive"),
    ("-0", "must be positive"),
    ("NaN", "'NaN' is not a finite number"),
    ("nan", "is not a finite number"),
    ("Infinity", "'Infinity' is not a finite number"),
    ("-Infinity", "is not a finite number"),
    ("inf", "is not a finite number"),
    ("1e5", "'1e5' uses exponent notation"),
    ("1E-3", "uses exponent notation"),
    ("2.5e+2", "uses exponent notation"),
    (HUGE, "is absurdly large"),
    ("1000000000000001", "is absurdly large"),
    ("abc", "'abc' is not a plain decimal number"),
    ("", "is not a plain decimal number"),
    (" 1", "is not a plain decimal number"),
    ("1,5", "is not a plain decimal number"),
    ("1.5.5", "is not a plain decimal number"),
    ("0x10", "is not a plain decimal number"),
    ("\u0661", "is not a plain decimal number"),     # an Arabic-Indic digit one
    ("0.0000000001", "has more than 9 decimal places"),
]


def rejected(h, call, user=None, cid=None):
    """Run `call`; assert it changed no wallet, no book, made no trade; its reason."""
    h.trades()
    before, book, stops = h.snapshot(), h.book(), h.stops()
    reason = call()
    assert reason is not None, "accepted"
    assert h.snapshot() == before
    assert h.book() == book and h.stops() == stops
    assert h.trades() == []
    if cid is not None:
        assert h.status(user, cid) == "rejected"
        assert h.order_obj(user, cid).reason == reason
    return reason


@pytest.fixture
def busy(market):
    """A book with something on both sides, so a bad order would have something to hit."""
    market.limit("c1", "carol", "sell", P, "1")
    market.limit("d1", "dave", "buy", "99000000", "1")
    return market


@pytest.mark.parametrize("value,why", BAD_NUMBERS, ids=[v[:12] or "empty" for v, _ in BAD_NUMBERS])
@pytest.mark.parametrize("field", ["qty", "price"])
@pytest.mark.parametrize("side", ["buy", "sell"])
def test_bad_numbers_in_limit_orders(busy, field, value, why, side):
    fields = {"price": P, "qty": "1", field: value}
    reason = rejected(busy, lambda: busy.limit("x1", "bob", side, **fields), "bob", "x1")
    assert reason.startswith(field + " ") and why in reason, reason


@pytest.mark.parametrize("value,why", BAD_NUMBERS[::3], ids=[v[:12] or "empty" for v, _ in BAD_NUMBERS[::3]])
def test_bad_numbers_in_market_and_stop_orders(busy, value, why):
    h = busy
    reason = rejected(h, lambda: h.market("m1", "bob", "buy", value), "bob", "m1")
    assert reason.startswith("qty ") and why in reason
    reason = rejected(h, lambda: h.stop_limit("s1", "bob", "buy", value, P, "1"), "bob", "s1")
    assert reason.startswith("stop_price ") and why in reason
    reason = rejected(h, lambda: h.stop_market("s2", "bob", "sell", value, "1"), "bob", "s2")
    assert reason.startswith("stop_price ") and why in reason


def test_bad_number_still_takes_the_client_id(busy):
    """The rejected order is journalled, so its id is used up like any other."""
    rejected(busy, lambda: busy.limit("x1", "bob", "buy", "NaN", "1"), "bob", "x1")
    assert "duplicate" in busy.limit("x1", "bob", "buy", P, "1")


def test_the_edge_refuses_a_used_client_id_and_shows_how_order_numbers_are_written(busy):
    """engine.admission: a client id its user used before is refused before the journal
    (open here, or closed per `has_order`); an unknown id that is all digits says #N."""
    from souq.engine.admission import edge_refusal
    h = busy
    place = {"op": "limit", "id": "c1", "user": "carol", "symbol": "BTC-IRR", "side": "sell",
             "price": P, "qty": "1"}
    assert edge_refusal(h.ex, place, "carol") == "duplicate client order id 'c1' for carol"
    assert edge_refusal(h.ex, {**place, "id": "c9"}, "carol") is None
    assert edge_refusal(h.ex, {**place, "id": "c9"}, "carol",
                        lambda user, cid: (user, cid) == ("carol", "c9")) == \
        "duplicate client order id 'c9' for carol"
    assert edge_refusal(h.ex, {"op": "cancel", "id": "15", "user": "carol"}, "carol") == \
        "unknown order id '15' for carol (a client id; order number 15 is written #15)"


@pytest.mark.parametrize("kind", ["deposit", "withdraw"])
@pytest.mark.parametrize("value,why", [("NaN", "not a finite number"), ("-5", "must be positive"),
                                       ("0", "must be positive"), ("1e3", "exponent"),
                                       ("1" + "0" * 22, "absurdly large")])
def test_bad_money_amounts_break_the_format(kind, value, why):
    with pytest.raises(StreamError, match=why):
        parse_command({"op": kind, "user": "alice", "asset": "IRR", "amount": value})


def test_price_off_the_tick(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", "99000500", "1"), "bob", "x1")
    assert reason == "price 99000500 is not a multiple of the tick 1000"
    reason = rejected(busy, lambda: busy.stop_limit("x2", "bob", "buy", "101000001", P, "1"),
                      "bob", "x2")
    assert reason == "stop_price 101000001 is not a multiple of the tick 1000"


def test_qty_off_the_step(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "0.00015"), "bob", "x1")
    assert reason == "qty 0.00015 is not a multiple of the step 0.0001"
    reason = rejected(busy, lambda: busy.market("x2", "bob", "buy", "1.00001"), "bob", "x2")
    assert "is not a multiple of the step" in reason


def test_qty_below_minimum_or_above_maximum(h):
    h.symbol(min_qty="0.01", max_qty="5")
    h.user("bob")
    h.deposit("bob", "IRR", "10000000000")
    reason = rejected(h, lambda: h.limit("x1", "bob", "buy", P, "0.0099"), "bob", "x1")
    assert reason == "qty 0.0099 is below the minimum 0.01"
    reason = rejected(h, lambda: h.limit("x2", "bob", "buy", P, "5.0001"), "bob", "x2")
    assert reason == "qty 5.0001 is above the maximum 5"
    assert h.limit("x3", "bob", "buy", P, "5") is None


def test_unknown_symbol(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "1", symbol="ETH-IRR"),
                      "bob", "x1")
    assert reason == "unknown symbol 'ETH-IRR'"


def test_inactive_symbol(busy):
    busy.ok(C.SetSymbolActive("BTC-IRR", False))
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "1"), "bob", "x1")
    assert reason == "symbol BTC-IRR is inactive"
    assert busy.apply(C.SetSymbolActive("NOPE", False)) == "unknown symbol 'NOPE'"


def test_closed_session(busy):
    busy.ok({"op": "session_close", "symbol": "BTC-IRR"})
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "1"), "bob", "x1")
    assert reason == "session for BTC-IRR is closed"
    reason = rejected(busy, lambda: busy.stop_market("x2", "bob", "buy", P, "1"), "bob", "x2")
    assert reason == "session for BTC-IRR is closed"


def test_price_outside_the_daily_band(h):
    h.symbol(daily_limit="0.1", ref_price="100000000")
    h.user("bob")
    h.deposit("bob", "IRR", "10000000000")
    reason = rejected(h, lambda: h.limit("x1", "bob", "buy", "111000000", "1"), "bob", "x1")
    assert reason == "price 111000000 is outside the daily band 90000000-110000000"
    reason = rejected(h, lambda: h.stop_limit("x2", "bob", "buy", P, "89999000", "1"),
                      "bob", "x2")
    assert "outside the daily band" in reason


def test_post_only_that_would_cross(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "sell", "99000000", "1",
                                               tif="post_only"), "bob", "x1")
    assert reason == "post-only order would cross the book at 99000000"


def test_fok_that_cannot_fill_whole(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "1.0001", tif="fok"),
                      "bob", "x1")
    assert reason == "fill-or-kill order cannot be filled whole (qty 1.0001)"


def test_insufficient_available_balance(busy):
    h = busy
    reason = rejected(h, lambda: h.limit("x1", "bob", "buy", P, "9.9801"), "bob", "x1")
    assert reason == ("insufficient available IRR: needs 1000006020, has 1000000000")
    reason = rejected(h, lambda: h.limit("x2", "bob", "sell", P, "10.0001"), "bob", "x2")
    assert reason == "insufficient available BTC: needs 10.0001, has 10"
    reason = rejected(h, lambda: h.stop_market("x3", "bob", "sell", "90000000", "10.0001"),
                      "bob", "x3")
    assert "insufficient available BTC" in reason
    reason = rejected(h, lambda: h.market("x4", "bob", "sell", "10.0001"), "bob", "x4")
    assert "insufficient available BTC" in reason
    # held funds are not available: 9 BTC resting leaves 1
    h.limit("b1", "bob", "sell", "120000000", "9")
    reason = rejected(h, lambda: h.limit("x5", "bob", "sell", "120000000", "1.0001"), "bob", "x5")
    assert reason == "insufficient available BTC: needs 1.0001, has 1"


def test_wrong_time_in_force_for_market_orders(busy):
    cmd = C.PlaceOrder(user="bob", cid="x1", symbol="BTC-IRR", side="buy", type="market",
                       qty=10**9, tif="fok")
    reason = rejected(busy, lambda: busy.apply(cmd), "bob", "x1")
    assert reason == "time in force fok does not apply to market orders"


def test_unknown_user(busy):
    reason = rejected(busy, lambda: busy.limit("x1", "mallory", "buy", P, "1"))
    assert reason == "unknown user 'mallory'"
    assert "mallory" not in busy.ex.users


def test_suspended_user(busy):
    busy.ok(C.SetUserStatus("bob", "suspended"))
    reason = rejected(busy, lambda: busy.limit("x1", "bob", "buy", P, "1"), "bob", "x1")
    assert reason == "user bob is suspended"


def test_cancel_of_another_users_order(busy):
    h = busy
    assert rejected(h, lambda: h.cancel("c1", "carol", actor="bob")) == \
        "bob may not act for carol"
    assert rejected(h, lambda: h.cancel("c1", "bob", actor="bob")) == \
        "unknown order id 'c1' for bob"
    assert h.status("carol", "c1") == "active"


def test_cancel_of_a_filled_order(busy):
    h = busy
    h.limit("b1", "bob", "buy", P, "1")
    assert h.status("bob", "b1") == "filled"
    assert rejected(h, lambda: h.cancel("b1", "bob")) == "order 'b1' is already filled"


def test_cancel_of_closed_orders(busy):
    h = busy
    h.limit("b1", "bob", "buy", "98000000", "1")
    h.cancel("b1", "bob")
    assert rejected(h, lambda: h.cancel("b1", "bob")) == "order 'b1' is already cancelled"
    h.limit("b2", "bob", "buy", "NaN", "1")
    assert rejected(h, lambda: h.cancel("b2", "bob")) == "order 'b2' is already rejected"


def test_cancel_of_an_unknown_id(busy):
    h = busy
    assert rejected(h, lambda: h.cancel("nope", "bob")) == "unknown order id 'nope' for bob"
    assert rejected(h, lambda: h.cancel("c1", "mallory")) == "unknown user 'mallory'"


def test_duplicate_client_id(busy):
    h = busy
    assert rejected(h, lambda: h.limit("c1", "carol", "sell", P, "1")) == \
        "duplicate client order id 'c1' for carol"
    assert h.status("carol", "c1") == "active"


# ------------------------------------------------------------------ stream format errors
LIMIT = {"op": "limit", "id": "o1", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
         "price": P, "qty": "1"}


def with_(base, **kw):
    out = dict(base)
    for k, v in kw.items():
        if v is ...:
            out.pop(k)
        else:
            out[k] = v
    return out


FORMAT_ERRORS = [
    ({"op": "frobnicate"}, "unknown op 'frobnicate'"),
    ({"op": "cancel_all", "user": "alice"}, "unknown op 'cancel_all'"),   # journal only
    ({"op": "user_status", "user": "a", "status": "suspended"}, "unknown op 'user_status'"),
    ({"user": "alice"}, "missing field 'op'"),
    (with_(LIMIT, colour="red"), "limit: unknown field 'colour'"),
    (with_(LIMIT, op="market", price=...), None),                          # sanity: valid
    ({"op": "market", "id": "m", "user": "a", "symbol": "S", "side": "buy", "qty": "1",
      "price": P}, "market: unknown field 'price'"),
    ({"op": "market", "id": "m", "user": "a", "symbol": "S", "side": "buy", "qty": "1",
      "tif": "ioc"}, "market: unknown field 'tif'"),
    ({"op": "cancel", "id": "o1", "user": "alice", "symbol": "BTC-IRR"},
     "cancel: unknown field 'symbol'"),
    ({"op": "session_open", "symbol": "BTC-IRR", "maker_fee": "0"},
     "session_open: unknown field 'maker_fee'"),
    ({"op": "deposit", "user": "alice", "asset": "IRR", "amount": "1", "memo": "x"},
     "deposit: unknown field 'memo'"),
    (with_(LIMIT, qty=...), "limit: missing required field 'qty'"),
    (with_(LIMIT, id=...), "limit: missing required field 'id'"),
    ({"op": "stop_limit", "id": "s", "user": "a", "symbol": "S", "side": "buy", "price": P,
      "qty": "1"}, "stop_limit: missing required field 'stop_price'"),
    (with_(LIMIT, qty=1), "limit: field 'qty' must be a JSON string, got int"),
    (with_(LIMIT, price=1.5), "field 'price' must be a JSON string, got float"),
    (with_(LIMIT, price=None), "field 'price' must be a JSON string, got NoneType"),
    (with_(LIMIT, side="long"), "side 'long' must be buy or sell"),
    (with_(LIMIT, tif="gtd"), "tif 'gtd' is not one of"),
    (with_(LIMIT, stp="maybe"), "stp 'maybe' is not one of"),
    (with_(LIMIT, id="has space"), "id 'has space' must be 1-64 printable characters"),
    (with_(LIMIT, id="#7"), "not starting with '#'"),
    (with_(LIMIT, id="x" * 65), "must be 1-64 printable characters"),
    ({"op": "user", "user": "bob", "role": "god"}, "role 'god' is not one of"),
    ({"op": "user", "user": "@fees"}, "user '@fees' is not a valid user name"),
    ({"op": "deposit", "user": "alice", "asset": "irr", "amount": "1"},
     "asset 'irr' is not a valid asset"),
    ({"op": "symbol", "symbol": "S", "base": "B", "quote": "Q", "tick_size": "0",
      "qty_step": "1"}, "tick_size must be positive"),
    ({"op": "symbol", "symbol": "S", "base": "B", "quote": "Q", "tick_size": "1",
      "qty_step": "1", "maker_fee": "1.5"}, "maker_fee '1.5' must be at most 1"),
    ({"op": "symbol", "symbol": "S", "base": "B", "quote": "Q", "tick_size": "1",
      "qty_step": "1", "taker_fee": "-0.001"}, "taker_fee must not be negative"),
    ({"op": "symbol", "symbol": "S", "base": "B", "quote": "Q", "tick_size": "1",
      "qty_step": "1", "daily_limit": "NaN"}, "daily_limit 'NaN' is not a finite number"),
    ({"op": "session_open", "symbol": "S", "opening_price": "1e8"}, "exponent notation"),
    (["op", "limit"], "a line must be a JSON object"),
]


@pytest.mark.parametrize("obj,message", FORMAT_ERRORS,
                         ids=[str(m)[:40] for _, m in FORMAT_ERRORS])
def test_stream_format_errors_name_the_field_or_op(obj, message):
    if message is None:
        parse_command(obj)
        return
    with pytest.raises(StreamError) as exc:
        parse_command(obj)
    assert message in str(exc.value)


def test_journal_ops_parse_only_when_extended():
    cmd = parse_command({"op": "cancel_all", "user": "alice"}, extended=True)
    assert cmd == C.CancelAll(user="alice", symbol=None)
    cmd = parse_command({"op": "symbol_status", "symbol": "S", "active": "false"}, extended=True)
    assert cmd == C.SetSymbolActive(symbol="S", active=False)
    with pytest.raises(StreamError, match="active must be"):
        parse_command({"op": "symbol_status", "symbol": "S", "active": "no"}, extended=True)


def test_a_new_symbol_name_is_upper_case_but_an_old_journal_still_replays():
    """`souq symbol add eth-irr` was accepted beside ETH-IRR (assets refuse lower case):
    the edge refuses it now, while a journal that already holds such a symbol (written
    before the rule) still parses, so nothing committed is ever lost."""
    from souq.engine.admission import edge_refusal
    from souq.engine.exchange import Exchange
    obj = {"op": "symbol", "symbol": "eth-irr", "base": "ETH", "quote": "IRR",
           "tick_size": "1", "qty_step": "1"}
    assert edge_refusal(Exchange(), obj, "admin") == (
        "symbol name 'eth-irr' must be upper case letters, digits and _ . - (like BTC-IRR)")
    assert parse_command(obj, extended=True).spec.name == "eth-irr"
    assert edge_refusal(Exchange(), {**obj, "symbol": "ETH-IRR"}, "admin") is None
