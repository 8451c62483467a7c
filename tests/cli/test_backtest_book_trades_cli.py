"""`souq backtest CONFIG --data BOOK --trades TRADES` through the real script, on the
issue's input (issue 12 item 15): one fill of 0.05 at 3496.50 at t0+2s, fee 0.174825."""
import csv

import pytest

pytestmark = pytest.mark.slow

T0 = 1_709_285_400_000_000_000
S = 1_000_000_000
BOOK = f"""time,side,price,size,kind
{T0},bid,3496.50,2,snapshot
{T0},ask,3503.50,2,snapshot
{T0 + S},bid,3496.50,1,update
{T0 + 2 * S},bid,3496.50,0.95,update
{T0 + 4 * S},ask,3503.50,2,update
"""
TRADES = f"""time,price,qty,side
{T0},3500.00,0.01,buy
{T0 + S},3496.50,1,sell
{T0 + 2 * S},3496.50,1.05,sell
{T0 + 4 * S},3500.00,0.01,buy
"""


def test_book_and_trades_together_from_the_cli(desk_souq, tmp_path):
    souq = desk_souq
    for name, kind, text in (("eth-book", "book", BOOK), ("eth-trades", "trades", TRADES)):
        (tmp_path / f"{name}.csv").write_text(text)
        souq.ok("data", "import", tmp_path / f"{name}.csv", "--name", name, "--kind", kind,
                "--symbol", "ETH-USDT")
    souq.ok("mm", "create", "fs", "--template", "fixed_spread", "--symbol", "ETH-USDT",
            "--user", "mm-fixed", "bid_spread_bps=10", "ask_spread_bps=10",
            "order_amount=0.1", "order_refresh_time=0", "max_order_age=0", "stale_after=0")
    run = souq.json("backtest", "fs", "--data", "eth-book", "--trades", "eth-trades",
                    "--export", tmp_path / "out")
    assert (run["events"], run["fills"]) == (10, 1)     # a snapshot event, 5 levels, 4 trades
    with open(tmp_path / "out" / "fills.csv") as f:
        assert list(csv.reader(f)) == [["time", "side", "price", "qty", "fee"],
                                       [str(T0 + 2 * S), "buy", "3496.5", "0.05", "0.174825"]]
    souq.fail_all([
        (("backtest", "fs", "--data", "eth-trades"), None,
         "fair_source=mid needs book data, but eth-trades holds trades only"),
        (("backtest", "fs", "--trades", "eth-trades"), None,
         "--trades goes with --data BOOK"),
        (("backtest", "fs", "--data", "eth-trades", "--trades", "eth-book"), None,
         "--data 'eth-trades' holds trades; with --trades it must be a book data set"),
    ])
    assert [r["id"] for r in souq.json("runs", "list")] == [run["run"]]
