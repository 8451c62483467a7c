"""Average-cost PnL against a hand-computed example."""
from decimal import Decimal as D

from souq.mm.pnl import position


def t(price, qty, maker, taker, side, maker_fee="0", taker_fee="0"):
    return {"price": price, "qty": qty, "maker_user": maker, "taker_user": taker,
            "taker_side": side, "maker_fee": maker_fee, "taker_fee": taker_fee}


def test_buy_twice_sell_part_then_mark_at_mid():
    trades = [
        t("100", "2", "m", "alice", "buy", taker_fee="0.4"),     # alice buys 2 @ 100
        t("110", "1", "alice", "x", "buy", maker_fee="0.11"),     # x buys: alice sells 1 @ 110
        t("90", "2", "alice", "y", "sell", maker_fee="0.18"),     # y sells to alice: alice buys 2 @ 90
        t("120", "1", "zed", "bob", "buy"),                       # not alice's
    ]
    p = position(trades, "alice", D("105"))
    # buy 2@100 (cost 200), sell 1@110: realised 10, left 1 @ avg 100 (cost 100)
    # buy 2@90: qty 3, cost 280, avg 93.333...; mark at 105: unrealised 315 - 280 = 35
    assert p.qty == D("3")
    assert p.realised == D("10")
    assert p.unrealised == D("35")
    assert p.fees == D("0.69")
    assert p.value_at_mid == D("315")
    assert round(p.avg_price, 6) == D("93.333333")


def test_flip_from_long_to_short_realises_the_long_and_opens_the_short():
    trades = [t("100", "1", "m", "alice", "buy"), t("130", "3", "alice", "m", "buy")]
    p = position(trades, "alice", D("120"))
    assert (p.qty, p.realised, p.avg_price, p.unrealised) == (D("-2"), D("30"), D("130"), D("20"))


def test_flat_without_mid():
    p = position([], "alice", None)
    assert (p.qty, p.realised, p.unrealised, p.fees, p.value_at_mid) == (0, 0, 0, 0, 0)


def test_a_self_trade_changes_no_position_but_costs_both_fees():
    trades = [t("100", "1", "m", "alice", "buy"),
              t("105", "1", "alice", "alice", "sell", maker_fee="0.1", taker_fee="0.2")]
    p = position(trades, "alice", D("100"))
    assert (p.qty, p.realised, p.fees, p.avg_price) == (D("1"), D("0"), D("0.3"), D("100"))


def test_position_equals_the_wallet_change_for_every_demo_user(tmp_path):
    """Across a demo session with self-trades, the PnL position is what the ledger moved."""
    from souq.db import queries as Q
    from souq.db.api import Api
    from souq.mm.demo import FUNDS, USERS, demo_commands, demo_flow
    api = Api(f"sqlite:///{tmp_path / 'pnl.db'}", clock=lambda: 0)
    api.execute_many(demo_commands())
    for seed in range(5):
        api.execute_many(demo_flow(seed, count=40))
    with api.db.connect() as conn:
        for user, _ in USERS:
            trades = Q.trades(conn, user=user, symbol="BTC-IRR")
            btc = next(w for w in Q.wallets(conn, user=user) if w["asset"] == "BTC")
            assert position(trades, user, None).qty == D(btc["balance"]) - D(FUNDS["BTC"]), user
    api.close()
