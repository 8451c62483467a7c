"""The operator's commands through the real `souq` script: init, symbols, sessions, users,
deposits and withdrawals, with exact outputs."""
import subprocess

from souq_cli import SOUQ, Souq


def wallet(user, asset, balance, hold="0"):
    avail = str(_dec(balance) - _dec(hold))
    return {"user": user, "asset": asset, "balance": balance, "hold": hold,
            "available": avail}


def _dec(text):
    from decimal import Decimal
    d = Decimal(text)
    return d.quantize(1) if d == d.to_integral_value() else d.normalize()


BTC = {"name": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick_size": "1000",
       "qty_step": "0.0001", "min_qty": "0.0001", "max_qty": "100", "daily_limit": "0.05",
       "ref_price": "100000000", "maker_fee": "0.001", "taker_fee": "0.002", "active": True,
       "sessions": False, "open": True, "last_price": None}


def test_init_makes_an_empty_exchange_and_is_idempotent(souq):
    assert souq.ok("init") == f"database ready: {souq.db}\n"
    assert souq.db.exists()
    assert souq.ok("init") == f"database ready: {souq.db}\n"
    assert souq.jsons(("symbol", "list"), ("wallets",), ("orders",), ("trades",)) == [[]] * 4


def test_init_demo_builds_the_demo_exchange_once(tmp_path):
    cli = Souq(tmp_path / "demo.db", db_flag=True)       # --db instead of SOUQ_DB
    # each strategy template adds a ready configuration: one user, four deposits
    n = len(cli.json("mm", "templates"))
    commands = 81 + 5 * n
    assert cli.ok("init", "--demo") == (
        f"demo exchange created in {cli.db}: 3 symbols, {6 + n} users, {commands} commands; "
        "the market is quiet until something trades: `souq sim` runs the demo market, "
        "`souq` opens the workstation\n")
    symbols, book, alice, before = cli.jsons(
        ("symbol", "list"), ("book", "BTC-IRR", "--depth", "2"), ("wallets", "--user", "alice"),
        ("wallets",))
    assert [s["name"] for s in symbols] == ["BTC-IRR", "ETH-USDT", "USDT-IRR"]
    assert book == {
        "symbol": "BTC-IRR",
        "bids": [{"price": "94999500000", "qty": "0.001", "orders": 1},
                 {"price": "94999000000", "qty": "0.002", "orders": 1}],
        "asks": [{"price": "95000500000", "qty": "0.001", "orders": 1},
                 {"price": "95001000000", "qty": "0.002", "orders": 1}]}
    assert alice == [
        wallet("alice", "BTC", "20"), wallet("alice", "ETH", "200"),
        wallet("alice", "IRR", "50000000000000"), wallet("alice", "USDT", "500000")]
    cli.fails("init", "--demo", match="already holds an exchange; --demo needs an empty database")
    assert cli.json("wallets") == before
    assert cli.ok("check").startswith(f"ok: {commands:,} journal entries replayed")


def test_symbol_add_list_show(souq):
    out = souq.ok("symbol", "add", "BTC-IRR", "--base", "BTC", "--quote", "IRR",
                  "--tick-size", "1000", "--qty-step", "0.0001", "--max-qty", "100",
                  "--daily-limit", "0.05", "--ref-price", "100000000")
    assert out == "symbol BTC-IRR added (seq 1)\n"
    out = souq.ok("symbol", "add", "ETH-USDT", "--base", "ETH", "--quote", "USDT",
                  "--tick", "0.01", "--step", "0.001", "--min-qty", "0.01",
                  "--maker-fee", "0", "--taker-fee", "0.0025")
    assert out == "symbol ETH-USDT added (seq 2)\n"
    eth = {"name": "ETH-USDT", "base": "ETH", "quote": "USDT", "tick_size": "0.01",
           "qty_step": "0.001", "min_qty": "0.01", "max_qty": None, "daily_limit": "0",
           "ref_price": None, "maker_fee": "0", "taker_fee": "0.0025", "active": True,
           "sessions": False, "open": True, "last_price": None}
    listed, shown = souq.jsons(("symbol", "list"), ("symbol", "show", "ETH-USDT"))
    assert listed == [BTC, eth]
    assert shown == {**eth, "session_history": []}

    add = ("symbol", "add")
    souq.fail_all([
        (("symbol", "show", "NOPE"), None, "unknown symbol 'NOPE'"),
        (add + ("BTC-IRR", "--base", "BTC", "--quote", "IRR", "--tick", "1", "--step", "1"),
         None, "symbol BTC-IRR rejected: symbol BTC-IRR already exists"),
        (add + ("X-Y", "--base", "X", "--quote", "Y", "--tick", "1e3", "--step", "1"),
         None, "tick_size '1e3' uses exponent notation"),
        (add + ("X-Y", "--base", "X", "--quote", "Y", "--tick", "1000", "--step", "1",
                "--ref-price", "1500"), None, "ref_price 1,500 is not a multiple of tick_size 1,000"),
        (add + ("X-X", "--base", "X", "--quote", "X", "--tick", "1", "--step", "1"),
         None, "base and quote must differ"),
        (add + ("x y", "--base", "X", "--quote", "Y", "--tick", "1", "--step", "1"),
         None, "symbol 'x y' is not a valid symbol name"),
    ])
    table = souq.ok("symbol", "list")
    assert "BTC-IRR" in table and "ETH-USDT" in table and "X-Y" not in table


def test_session_close_rejects_orders_expires_day_orders_and_open_resumes(market):
    market.feed(*({"op": "limit", "id": cid, "user": "alice", "symbol": "BTC-IRR",
                   "side": "buy", "price": "99000000", "qty": "0.1", "tif": tif}
                  for cid, tif in (("d1", "day"), ("g1", "gtc"))))
    assert market.ok("session", "close", "BTC-IRR") == "session for BTC-IRR closed (seq 13)\n"
    market.fails("session", "close", "BTC-IRR",
                 match="session close rejected: session for BTC-IRR is already closed")
    market.fails("order", "place", "BTC-IRR", "buy", "0.1", "-p", "99000000", "--id", "c1",
                 as_user="alice", match="order rejected: session for BTC-IRR is closed")
    got = {o["client_id"]: (o["status"], o["reason"]) for o in market.json("orders")}
    assert got == {"d1": ("expired", "session closed"), "g1": ("active", None),
                   "c1": ("rejected", "session for BTC-IRR is closed")}
    # only the gtc order still holds: 0.1 x 99,000,000 plus the 0.2 % fee reserve
    assert market.json("wallets", "--user", "alice") == [
        wallet("alice", "BTC", "10"), wallet("alice", "IRR", "2000000000", hold="9919800")]

    out = market.ok("session", "open", "BTC-IRR", "--opening-price", "99000000")
    assert out == "session for BTC-IRR open (seq 16)\n"
    show = market.json("symbol", "show", "BTC-IRR")
    assert (show["open"], show["sessions"], show["ref_price"]) == (True, True, "99000000")
    assert [(s["opened_seq"], s["closed_seq"], s["opening_price"])
            for s in show["session_history"]] == [(None, 13, None), (16, None, "99000000")]
    market.fails("session", "open", "BTC-IRR", match="session for BTC-IRR is already open")
    market.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "99000000", "--id", "c2",
              as_user="alice")
    assert market.json("orders", "--status", "open", "--user", "alice") != []
    market.fails("session", "open", "NOPE", match="unknown symbol 'NOPE'")


def test_users_add_list_suspend_reinstate(souq):
    souq.ok("symbol", "add", "BTC-IRR", "--base", "BTC", "--quote", "IRR", "--tick", "1000",
            "--step", "0.0001")
    assert souq.ok("user", "add", "alice") == "user alice added as trader (seq 2)\n"
    assert souq.ok("user", "add", "mm", "--role", "market_maker") == \
        "user mm added as market_maker (seq 3)\n"
    souq.fail_all([
        (("user", "add", "alice"), None, "user alice rejected: user alice already exists"),
        (("user", "add", "eve", "--role", "god"), None, "role 'god' is not one of"),
        (("user", "add", "@fees"), None, "user '@fees' is not a valid user name"),
    ])
    souq.ok("deposit", "alice", "IRR", "1000000000")
    assert souq.ok("user", "suspend", "alice") == \
        "user alice suspended, 0 open orders cancelled (seq 6)\n"
    assert souq.json("user", "list") == [
        {"name": "alice", "role": "trader", "status": "suspended"},
        {"name": "mm", "role": "market_maker", "status": "active"}]
    souq.fails("order", "place", "BTC-IRR", "buy", "0.1", "-p", "100000000", "--id", "s1",
               as_user="alice", match="order rejected: user alice is suspended")
    souq.fails("user", "suspend", "ghost", match="error: unknown user 'ghost'")
    assert souq.ok("user", "reinstate", "alice") == "user alice active (seq 8)\n"
    souq.ok("order", "place", "BTC-IRR", "buy", "0.1", "-p", "100000000", "--id", "s2",
            as_user="alice")
    orders = souq.json("orders", "--user", "alice")
    assert [(o["client_id"], o["status"], o["reason"]) for o in orders] == [
        ("s1", "rejected", "user alice is suspended"), ("s2", "active", None)]
    assert "suspended" not in souq.ok("user", "list")


def test_deposit_withdraw_and_ledger(market):
    market.feed({"op": "symbol", "symbol": "USDT-IRR", "base": "USDT", "quote": "IRR",
                 "tick_size": "1", "qty_step": "0.01"})      # seq 11: USDT is now traded
    assert market.ok("deposit", "alice", "USDT", "1500.25") == \
        "deposited 1,500.25 USDT to alice (seq 12)\n"
    assert market.ok("withdraw", "alice", "USDT", "0.25") == \
        "withdrew 0.25 USDT from alice (seq 13)\n"
    before = market.json("wallets")
    market.fail_all([
        (("withdraw", "alice", "USDT", "1500.01"), None,
         "withdrawal rejected: insufficient available USDT for alice: needs 1,500.01, has 1,500"),
        (("withdraw", "alice", "BTC", "10.0001"), None, "insufficient available BTC for alice"),
        (("deposit", "ghost", "USDT", "1"), None, "error: unknown user 'ghost'"),
        (("deposit", "alice", "DOGE", "1"), None, "error: unknown asset 'DOGE'"),
        (("deposit", "alice", "USDT", "1e3"), None, "amount '1e3' uses exponent notation"),
        (("deposit", "alice", "USDT", "NaN"), None, "amount 'NaN' is not a finite number"),
        (("deposit", "alice", "USDT", "Infinity"), None,
         "amount 'Infinity' is not a finite number"),
        (("deposit", "--", "alice", "USDT", "-5"), None, "amount must be positive, got '-5'"),
        (("deposit", "alice", "USDT", "0"), None, "amount must be positive, got '0'"),
        (("deposit", "alice", "USDT", "1" + "0" * 30), None, "is absurdly large"),
        (("deposit", "alice", "usdt", "1"), None, "asset 'usdt' is not a valid asset"),
        (("withdraw", "alice", "USDT", "0.0000000000000000001"), None,
         "has more than 18 decimal places"),
    ])
    after, alice, ledger = market.jsons(("wallets",), ("wallets", "--user", "alice"),
                                        ("ledger", "--user", "alice", "--asset", "USDT"))
    assert after == before
    assert alice == [wallet("alice", "BTC", "10"), wallet("alice", "IRR", "2000000000"),
                     wallet("alice", "USDT", "1500")]
    assert ledger == [
        {"id": 7, "seq": 12, "kind": "deposit", "asset": "USDT", "from_user": "@world",
         "from_bucket": "available", "to_user": "alice", "to_bucket": "available",
         "amount": "1500.25", "ref": None},
        {"id": 8, "seq": 13, "kind": "withdraw", "asset": "USDT", "from_user": "alice",
         "from_bucket": "available", "to_user": "@world", "to_bucket": "available",
         "amount": "0.25", "ref": None}]
    assert market.ok("check").startswith("ok: ")


def test_a_database_url_whose_driver_is_missing_is_one_line(tmp_path):
    """Any SQLAlchemy URL works once its driver is installed; without it, say which."""
    r = subprocess.run(SOUQ + ["--db", "postgresql+pg8000://u:p@localhost/souq", "check"],
                       capture_output=True, text=True, timeout=300, cwd=tmp_path,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr == ("error: the database URL needs the Python driver 'pg8000', which is "
                        "not installed (pip install it, or name another driver in the URL, "
                        "e.g. postgresql+psycopg2://)\n")
