"""What people read from the CLI, through the real `souq` script: grouped digits, prices
at the tick's decimals, quantities at the step's, money at the asset's precision, each
field once, counts with their nouns, and one plain line for a file that cannot be read."""
import json


def limit(cid, user, side, qty, price):
    return {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
            "price": price, "qty": qty}


def test_symbol_show_lists_each_field_once_with_readable_numbers(market):
    market.ok("session", "close", "BTC-IRR")
    market.ok("session", "open", "BTC-IRR", "--opening-price", "100000000")
    lines = [ln.split("│")[1:3] for ln in market.ok("symbol", "show", "BTC-IRR").splitlines()
             if ln.startswith("│")]
    fields = {k.strip(): v.strip() for k, v in lines}
    assert len(fields) == len(lines)                  # no field twice
    assert fields == {
        "name": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick size": "1,000",
        "qty step": "0.0001", "min qty": "0.0001", "max qty": "100.0000",
        "daily band": "5%", "reference price": "100,000,000", "maker fee": "0.1%",
        "taker fee": "0.2%", "active": "yes", "governed by sessions": "yes", "open": "yes",
        "last price": "", "session history": "2 sessions"}
    out = market.ok("symbol", "show", "BTC-IRR")
    assert out.count("sessions") == 2                 # "governed by sessions", "2 sessions"
    assert "at 100,000,000, closed -" in out
    table = market.ok("symbol", "list")
    assert "100,000,000" in table and "1,000" in table and "0.2%" in table
    assert market.json("symbol", "show", "BTC-IRR")["ref_price"] == "100000000"


def test_confirmations_are_grouped_at_the_assets_precision(market):
    assert market.ok("deposit", "alice", "IRR", "1234567") == \
        "deposited 1,234,567 IRR to alice (seq 11)\n"
    assert market.ok("withdraw", "alice", "BTC", "1.5") == \
        "withdrew 1.5000 BTC from alice (seq 12)\n"
    market.feed(limit("a1", "alice", "sell", "0.25", "101000000"))
    out = market.ok("order", "place", "BTC-IRR", "buy", "0.5", "-p", "101000000", "--id", "b1",
                    as_user="bob")
    assert out == ("order 14 [b1] bob BTC-IRR buy 0.5000 @ 101,000,000 limit gtc: partial, "
                   "filled 0.2500\n"
                   "  trade 1: 0.2500 @ 101,000,000 (maker alice/a1, taker bob/b1)\n")
    assert market.ok("order", "cancel-all", as_user="bob") == "cancelled 1 order of bob\n"


def test_replay_of_a_file_that_cannot_be_read_is_one_plain_line(market, tmp_path):
    missing = tmp_path / "nonexistent.jsonl"
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b'{"op": "user", "user": "x\xb0"}\n')
    market.fail_all([
        (("replay", missing), None, f"error: {missing}: no such file or directory"),
        (("replay", tmp_path), None, f"error: {tmp_path}: is a directory"),
        (("replay", binary), None, f"error: {binary}: not UTF-8 text (a byte 0xb0)"),
    ])
    for args in (("replay", missing), ("replay", tmp_path)):
        assert "Errno" not in market.run(*args).stderr


def test_summaries_pluralise_their_counts(market, tmp_path):
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps({"op": "user", "user": "dave"}) + "\n")
    out = market.ok("replay", one)
    assert out.startswith("replayed 1 command: 1 accepted, 0 rejected, 0 trades in "), out
    assert market.ok("user", "suspend", "dave") == \
        "user dave suspended, 0 open orders cancelled (seq 12)\n"


def test_rejections_and_limits_read_grouped_and_json_stays_exact(market, monkeypatch):
    """The exchange's reasons are printed with their numbers grouped (mm.display.
    grouped_text), in the order line and in the error; --json keeps the journalled text."""
    r = market.run("order", "place", "BTC-IRR", "buy", "0.1", "-p", "106000000", "--id", "x1",
                   as_user="alice")
    assert (r.returncode, r.stdout, r.stderr) == (
        1,
        "order 11 [x1] alice BTC-IRR buy 0.1000 @ 106,000,000 limit gtc: rejected, filled "
        "0.0000 (price 106,000,000 is outside the daily band 95,000,000-105,000,000)\n",
        "error: order rejected: price 106,000,000 is outside the daily band "
        "95,000,000-105,000,000\n")
    r = market.run("order", "place", "BTC-IRR", "buy", "0.1", "-p", "106000000", "--id", "x2",
                   "--json", as_user="alice")
    assert json.loads(r.stdout)["reason"] == \
        "price 106000000 is outside the daily band 95000000-105000000"
    # `souq orders` shows the reason grouped too (a wide table: one line); --json is exact
    monkeypatch.setenv("COLUMNS", "400")
    assert "106,000,000 is outside the daily band" in market.ok("orders", "--status",
                                                                "rejected", as_user="alice")
    assert {o["reason"] for o in market.json("orders", "--status", "rejected",
                                             as_user="alice")} == \
        {"price 106000000 is outside the daily band 95000000-105000000"}
    r = market.run("withdraw", "alice", "IRR", "2000000001")
    assert r.stderr == ("error: withdrawal rejected: insufficient available IRR for alice: "
                        "needs 2,000,000,001, has 2,000,000,000\n")
    assert market.ok("mm", "limits", "BTC", "max_inventory=12345.5") == \
        "desk limit BTC: max_inventory 12,345.5\n"
    assert market.ok("mm", "limits") == "BTC: net 0 of max_inventory 12,345.5\n"
    assert market.json("mm", "limits") == [
        {"asset": "BTC", "max_inventory": "12345.5", "net_inventory": "0"}]


def test_balances_are_never_rounded_to_money_that_is_not_there(market):
    """Fees leave fractions of a rial: a balance, hold, available or ledger amount finer
    than the asset's display precision shows its every digit (30.0003 IRR, where it read
    "30" before), while computed figures such as PnL still round to the precision."""
    market.feed(limit("a1", "alice", "sell", "0.0001", "100001000"),
                limit("b1", "bob", "buy", "0.0001", "100001000"))
    assert market.json("wallets", "--user", "@fees") == [
        {"user": "@fees", "asset": "IRR", "balance": "30.0003", "hold": "0",
         "available": "30.0003"}]
    row = lambda out, key: [ln for ln in out.splitlines() if key in ln][0]  # noqa: E731
    assert row(market.ok("wallets", "--user", "@fees"), "IRR").split("│")[3:6] == \
        [" 30.0003 ", " 0.0000 ", "   30.0003 "]     # one asset's places line up
    ledger = market.ok("ledger", "--user", "@fees", "--asset", "IRR")
    assert "20.0002" in row(ledger, "bob") and "10.0001" in row(ledger, "alice")
    assert "2,000,009,990.0999" in row(market.ok("wallets", "--user", "alice"), "IRR")


def test_one_assets_amounts_line_up_their_decimal_points(market):
    """A deposit of 0.00001 BTC (finer than the 0.0001 step, no BTC precision set) beside a
    0.9 BTC hold (carol starts with 10 BTC): every BTC amount in the wallets and ledger tables shows five places
    (0.90001 over 0.90000, not over 0.9000), zeros added, nothing rounded; IRR, which
    holds no finer digits, stays at its own places."""
    market.ok("deposit", "carol", "BTC", "0.00001")
    market.ok("deposit", "carol", "BTC", "0.9")
    market.feed(limit("c1", "carol", "sell", "0.9", "100001000"))
    cells = lambda out, key: [c.strip() for c in                        # noqa: E731
                              [ln for ln in out.splitlines() if key in ln][0].split("│")[3:6]]
    out = market.ok("wallets", "--user", "carol")
    assert cells(out, "BTC") == ["10.90001", "0.90000", "10.00001"]
    assert cells(out, "IRR") == ["2,000,000,000", "0", "2,000,000,000"]
    ledger = market.ok("ledger", "--user", "carol", "--asset", "BTC")
    amounts = [ln.split("│")[9].strip() for ln in ledger.splitlines() if "carol" in ln]
    assert amounts == ["10.00000", "0.00001", "0.90000", "0.90000"]


def test_the_alerts_pane_groups_the_numbers_of_a_reason():
    """The TUI's alerts pane says a rejection as the CLI does (mm.display.grouped_text)."""
    from rich.console import Console
    from souq.mm.alerts import Alert
    from souq.tui.widgets.alerts import row
    alert = Alert(1, 0, "warning", "limit rejected: price 90000050000 is not a multiple of "
                                   "the tick 100000")
    console = Console(width=200, record=True)
    console.print(row(alert, lambda ts: "09:30:00", {}))
    assert "price 90,000,050,000 is not a multiple of the tick 100,000" in console.export_text()
