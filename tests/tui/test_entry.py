"""The quick-entry line: every form it reads, and the message for each way it can be wrong."""
import pytest

from souq.tui.entry import EntryError, parse_entry


def entry(text: str) -> dict:
    cmd = parse_entry(text, "alice", "BTC-IRR")
    assert (cmd.pop("user"), cmd.pop("symbol")) == ("alice", "BTC-IRR")
    return cmd


@pytest.mark.parametrize("text, command", [
    ("buy 0.5 @ 100000000", {"op": "limit", "side": "buy", "qty": "0.5", "price": "100000000"}),
    ("sell 1 mkt", {"op": "market", "side": "sell", "qty": "1"}),
    ("sell 1 market", {"op": "market", "side": "sell", "qty": "1"}),
    ("buy 0.2 @ 99m ioc",
     {"op": "limit", "side": "buy", "qty": "0.2", "price": "99000000", "tif": "ioc"}),
    # one-letter sides, no spaces around @, any case
    ("b 0.001@95000500000", {"op": "limit", "side": "buy", "qty": "0.001",
                             "price": "95000500000"}),
    ("S 2 @ 1.5K", {"op": "limit", "side": "sell", "qty": "2", "price": "1500"}),
    # k, m and b multiply; plain decimals are written without exponent or trailing zeros
    ("buy 1k mkt", {"op": "market", "side": "buy", "qty": "1000"}),
    ("buy 0.50 @ 2.5b", {"op": "limit", "side": "buy", "qty": "0.5", "price": "2500000000"}),
    ("buy 1 @ 100.000", {"op": "limit", "side": "buy", "qty": "1", "price": "100"}),
    ("sell 0.001 @ 95010m", {"op": "limit", "side": "sell", "qty": "0.001",
                             "price": "95010000000"}),
    # stops
    ("buy 1 stop 101m", {"op": "stop_market", "side": "buy", "qty": "1",
                         "stop_price": "101000000"}),
    ("sell 1 @ 99m stop 100m", {"op": "stop_limit", "side": "sell", "qty": "1",
                                "price": "99000000", "stop_price": "100000000"}),
    # every time in force, and the post-only spellings
    *((f"buy 1 @ 5 {w}", {"op": "limit", "side": "buy", "qty": "1", "price": "5", "tif": t})
      for w, t in (("gtc", "gtc"), ("ioc", "ioc"), ("fok", "fok"), ("day", "day"),
                   ("post_only", "post_only"), ("post", "post_only"),
                   ("postonly", "post_only"))),
    ("sell 1 mkt ioc", {"op": "market", "side": "sell", "qty": "1", "tif": "ioc"}),
])
def test_reads(text, command):
    assert entry(text) == command


@pytest.mark.parametrize("text, message", [
    ("", "type an order, e.g. 'buy 0.5 @ 100000000' or 'sell 1 mkt'"),
    ("   ", "type an order, e.g. 'buy 0.5 @ 100000000' or 'sell 1 mkt'"),
    ("hold 1 @ 5", "start with buy or sell, not 'hold'"),
    ("buy", "missing quantity"),
    ("buy abc @ 1", "quantity 'abc' is not a number"),
    ("buy 1 @ 5kk", "price '5kk' is not a number"),          # the word as typed
    ("buy 1 @ xm", "price 'xm' is not a number"),
    ("buy 1e3 mkt", "quantity '1e3' is not a plain number"),
    ("buy 1e3k mkt", "quantity '1e3k' is not a plain number"),
    ("buy nan mkt", "quantity 'nan' is not a plain number"),
    ("buy inf mkt", "quantity 'inf' is not a plain number"),
    ("buy 1 @", "missing price after @"),
    ("buy 1 stop", "missing stop price after 'stop'"),
    ("buy 1 stop x", "stop price 'x' is not a number"),
    ("buy 1 @ 5 now", "do not understand 'now'"),
    ("buy 1 @ 5 mkt", "a market order takes no price"),
    ("buy 1", "give a price ('@ 100000000') or 'mkt'"),
    # typing mistakes are not orders: the edge's number check (engine.numbers), as typed
    ("sell -1 @ 5", "quantity must be positive, got '-1'"),
    ("buy -1 @ 94000000000", "quantity must be positive, got '-1'"),
    ("buy -1 mkt", "quantity must be positive, got '-1'"),
    ("sell 0 @ 94000000000", "quantity must be positive, got '0'"),
    ("buy 0.01 @ -94000000000", "price must be positive, got '-94000000000'"),
    ("buy 0.01 @ 0", "price must be positive, got '0'"),
    ("buy 0.01 @ -1k", "price must be positive, got '-1k'"),
    ("buy 1 stop 0", "stop price must be positive, got '0'"),
    ("buy 9999999999999999 @ 94000000000",
     "quantity '9999999999999999' is absurdly large (limit 1,000,000,000,000,000)"),
    ("buy 0.0000000001 mkt", "quantity '0.0000000001' has more than 9 decimal places"),
    ("amend a1 -1", "quantity must be positive, got '-1'"),
    ("amend a1 @ 0", "price must be positive, got '0'"),
    ("buy 1 ioc", "give a price ('@ 100000000') or 'mkt'"),
    # ASCII digits only (engine/edge.py): Decimal() reads Arabic-Indic '١' as 1 and '1_0'
    # as 10, which once sent a 1 BTC order for a typed '١'
    ("buy \u0661 @ 95000000000", "quantity '\u0661' is not a number"),
    ("buy 1 @ \u0669\u0665b", "price '\u0669\u0665b' is not a number"),
    ("buy 0.1 stop \uff11m", "stop price '\uff11m' is not a number"),
    ("buy 1_0 mkt", "quantity '1_0' is not a number"),
    ("amend a1 \u0661", "quantity '\u0661' is not a number"),
    ("amend a1 @ 9_5b", "price '9_5b' is not a number"),
])
def test_bad_input_is_named(text, message):
    with pytest.raises(EntryError) as err:
        parse_entry(text, "alice", "BTC-IRR")
    assert str(err.value) == message
