"""A small market for the market view tests (tests/mm/test_market_view.py,
tests/tui/test_screen_view.py): B-Q banded 90-110 with user a's bid, ask and stop; N-Q
(tick 7, no band) in a closed session."""
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command

E = 1_000_000_000


def market() -> Exchange:
    ex = Exchange()
    for cmd in (
            {"op": "symbol", "symbol": "B-Q", "base": "B", "quote": "Q", "tick_size": "1",
             "qty_step": "1", "daily_limit": "0.1", "ref_price": "100"},
            {"op": "symbol", "symbol": "N-Q", "base": "N", "quote": "Q", "tick_size": "7",
             "qty_step": "1"},
            {"op": "user", "user": "a"},
            {"op": "deposit", "user": "a", "asset": "Q", "amount": "10000"},
            {"op": "deposit", "user": "a", "asset": "B", "amount": "10"},
            {"op": "limit", "id": "b1", "user": "a", "symbol": "B-Q", "side": "buy",
             "price": "95", "qty": "2"},
            {"op": "limit", "id": "s1", "user": "a", "symbol": "B-Q", "side": "sell",
             "price": "104", "qty": "3"},
            {"op": "stop_market", "id": "st", "user": "a", "symbol": "B-Q", "side": "sell",
             "stop_price": "90", "qty": "1"},
            {"op": "session_close", "symbol": "N-Q"}):
        out = ex.apply(parse_command(cmd))
        assert out.reason is None, (cmd, out.reason)
    return ex
