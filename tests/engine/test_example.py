"""The format's worked example (a copy in tests/fixtures/example-seed-trade.jsonl), to the
rial."""
import json

from engine_harness import EXAMPLE

from souq.engine.stream import STREAM_OPS, is_skipped, parse_command


def test_the_copy_still_follows_the_order_stream_format():
    """The copy must stay a valid order stream: every line a comment or an object that the
    format's strict reader accepts (known op, known fields, every number a JSON string),
    and no order carrying a number the exchange would have to reject."""
    lines = [line for line in EXAMPLE.read_text().splitlines() if not is_skipped(line)]
    objects = [json.loads(line) for line in lines]
    commands = [parse_command(obj) for obj in objects]
    assert [obj["op"] for obj in objects] == [
        "symbol", "user", "user", "deposit", "deposit", "limit", "limit"]
    assert all(obj["op"] in STREAM_OPS for obj in objects)
    assert [getattr(cmd, "invalid", None) for cmd in commands] == [None] * 7


def test_example_seed_trade_to_the_rial(h):
    reasons = h.run(EXAMPLE.read_text())
    assert reasons == [None] * 7

    assert h.trades() == [{
        "seq": 1, "symbol": "BTC-IRR", "price": "100000000", "qty": "1",
        "maker": "a1", "taker": "b1", "maker_user": "alice", "taker_user": "bob",
        "maker_fee": "100000", "taker_fee": "200000",
    }]
    assert h.wallet("alice", "IRR") == ("99900000", "0")
    assert h.wallet("alice", "BTC") == ("0", "0")
    assert h.wallet("bob", "BTC") == ("1", "0")
    assert h.wallet("bob", "IRR") == ("0", "0")
    assert h.wallet("@fees", "IRR") == ("300000", "0")
    assert h.wallet("@fees", "BTC") == ("0", "0")
    # the world paid in exactly what the accounts now hold
    assert h.balance("@world", "IRR") == "-100200000"
    assert h.balance("@world", "BTC") == "-1"
    assert h.status("alice", "a1") == "filled"
    assert h.status("bob", "b1") == "filled"
    assert h.book() == {"bids": [], "asks": []}
    assert h.ex.symbols["BTC-IRR"].last == 100_000_000 * 10**9


def test_example_buyer_escrow_is_exactly_price_plus_taker_fee(h):
    """Bob deposited exactly 100,200,000: one rial less and his order is rejected."""
    text = EXAMPLE.read_text().replace("100200000", "100199999")
    reasons = h.run(text)
    assert reasons[:6] == [None] * 6
    assert "insufficient available IRR" in reasons[6]
    assert "needs 100200000, has 100199999" in reasons[6]
    assert h.status("bob", "b1") == "rejected"
    assert h.trades() == []
    assert h.wallet("bob", "IRR") == ("100199999", "0")
    assert h.wallet("alice", "BTC") == ("0", "1")
