"""`souq replay` and `souq check` through the real script: the worked example to the exact
balances, refusals journalled as rejected, malformed lines stopping the replay at their
line number, batching, and `check` catching a database changed behind its back."""
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from souq_cli import Souq
from test_migrate import UNREADABLE as UNREADABLE_ORDERS

EXAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "example-seed-trade.jsonl"
TRADE_LINE = ('{"seq":1,"symbol":"BTC-IRR","price":"100000000","qty":"1","maker":"a1",'
              '"taker":"b1","maker_user":"alice","taker_user":"bob","maker_fee":"100000",'
              '"taker_fee":"200000"}')
EXAMPLE_WALLETS = [
    {"user": "@fees", "asset": "IRR", "balance": "300000", "hold": "0", "available": "300000"},
    {"user": "alice", "asset": "BTC", "balance": "0", "hold": "0", "available": "0"},
    {"user": "alice", "asset": "IRR", "balance": "99900000", "hold": "0", "available": "99900000"},
    {"user": "bob", "asset": "BTC", "balance": "1", "hold": "0", "available": "1"},
    {"user": "bob", "asset": "IRR", "balance": "0", "hold": "0", "available": "0"},
]
SUMMARY = re.compile(r"replayed ([\d,]+) commands?: ([\d,]+) accepted, ([\d,]+) rejected, "
                     r"([\d,]+) trades? in [0-9.,]+ s \([\d,.]+ commands/s\)\n\Z")


def summary(stdout: str) -> tuple[int, ...]:
    m = SUMMARY.match(stdout)
    assert m, stdout
    return tuple(int(g.replace(",", "")) for g in m.groups())


def journal(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT seq, op, status, reason FROM journal ORDER BY seq").fetchall()


def lines(*objs) -> str:
    return "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objs)


@pytest.mark.parametrize("batch", ["1", "1000"])
def test_worked_example_replays_to_the_exact_balances(souq, tmp_path, batch):
    trades_out = tmp_path / "trades.jsonl"
    out = souq.ok("replay", EXAMPLE, "--batch", batch, "--trades-out", trades_out)
    assert summary(out) == (7, 7, 0, 1)
    assert trades_out.read_text() == TRADE_LINE + "\n"
    wallets, trades = souq.jsons(("wallets",), ("trades",))
    assert wallets == EXAMPLE_WALLETS
    assert trades == [json.loads(TRADE_LINE)]
    assert souq.ok("check") == ("ok: 7 journal entries replayed; ledger, holds, books and "
                                "projections agree\nclean at seq 7: `souq check --since 7` "
                                "checks only what comes after\n")


def test_worked_example_in_memory(souq, tmp_path):
    trades_out = tmp_path / "trades.jsonl"
    out = souq.ok("replay", EXAMPLE, "--in-memory", "--trades-out", trades_out)
    assert summary(out) == (7, 7, 0, 1)
    assert trades_out.read_text() == TRADE_LINE + "\n"
    assert not souq.db.exists()              # in memory: no database touched
    stats = souq.json("replay", EXAMPLE, "--in-memory")
    assert {k: stats[k] for k in ("commands", "accepted", "rejected", "trades")} == {
        "commands": 7, "accepted": 7, "rejected": 0, "trades": 1}
    assert set(stats) == {"commands", "accepted", "rejected", "trades", "seconds",
                          "commands_per_s"}


def test_refused_commands_are_journalled_as_rejected_and_the_replay_goes_on(souq, tmp_path):
    stream = tmp_path / "stream.jsonl"
    stream.write_text(EXAMPLE.read_text() + lines(
        "",
        "# refused by the exchange, not malformed:",
        {"op": "withdraw", "user": "bob", "asset": "IRR", "amount": "1"},
        {"op": "limit", "id": "a1", "user": "alice", "symbol": "BTC-IRR", "side": "sell",
         "price": "100000000", "qty": "0.5"},
        {"op": "limit", "id": "b2", "user": "bob", "symbol": "BTC-IRR", "side": "sell",
         "price": "100000500", "qty": "0.5"},
        {"op": "limit", "id": "b3", "user": "bob", "symbol": "BTC-IRR", "side": "sell",
         "price": "100000000", "qty": "1e-1"},
        {"op": "cancel", "id": "zz", "user": "bob"},
        {"op": "user", "user": "alice"},
        {"op": "session_open", "symbol": "ETH-IRR"},
        # accepted again after the refusals
        {"op": "deposit", "user": "alice", "asset": "BTC", "amount": "0.5"},
        {"op": "limit", "id": "a2", "user": "alice", "symbol": "BTC-IRR", "side": "sell",
         "price": "100000000", "qty": "0.5"},
    ))
    rejections = tmp_path / "rejections.jsonl"
    out = souq.ok("replay", stream, "--batch", "4", "--rejections-out", rejections)
    assert summary(out) == (16, 9, 7, 1)
    refused = [
        (11, "insufficient available IRR for bob: needs 1, has 0"),
        (12, "duplicate client order id 'a1' for alice"),
        (13, "price 100000500 is not a multiple of the tick 1000"),
        (14, "qty '1e-1' uses exponent notation; write it as a plain decimal"),
        (15, "unknown order id 'zz' for bob"),
        (16, "user alice already exists"),
        (17, "unknown symbol 'ETH-IRR'"),
    ]
    assert [json.loads(x) for x in rejections.read_text().splitlines()] == [
        {"line": n, "reason": r} for n, r in refused]
    assert journal(souq.db)[7:] == [
        (8, "withdraw", "rejected", refused[0][1]),
        (9, "limit", "rejected", refused[1][1]),
        (10, "limit", "rejected", refused[2][1]),
        (11, "limit", "rejected", refused[3][1]),
        (12, "cancel", "rejected", refused[4][1]),
        (13, "user", "rejected", refused[5][1]),
        (14, "session_open", "rejected", refused[6][1]),
        (15, "deposit", "accepted", None),
        (16, "limit", "accepted", None)]
    orders, wallets = souq.jsons(("orders",), ("wallets", "--user", "alice"))
    assert [(o["client_id"], o["status"], o["reason"]) for o in orders] == [
        ("a1", "filled", None), ("b1", "filled", None),
        ("b2", "rejected", refused[2][1]), ("b3", "rejected", refused[3][1]),
        ("a2", "active", None)]
    assert wallets == [
        {"user": "alice", "asset": "BTC", "balance": "0.5", "hold": "0.5", "available": "0"},
        {"user": "alice", "asset": "IRR", "balance": "99900000", "hold": "0",
         "available": "99900000"}]
    assert souq.ok("check").startswith("ok: 16 journal entries replayed")


USER_C = {"op": "user", "user": "carol"}
DEPOSIT_C = {"op": "deposit", "user": "carol", "asset": "IRR", "amount": "5"}
LATER = {"op": "user", "user": "dave"}


@pytest.mark.parametrize("batch, bad, message", [
    ("1000", '{"op":"user","user":"eve"', "not valid JSON"),
    ("1", '{"op":"teleport","user":"eve"}', "unknown op 'teleport'"),
    ("1000", '{"op":"user","user":"eve","colour":"red"}', "user: unknown field 'colour'"),
    ("7", '{"op":"deposit","user":"carol","asset":"IRR"}',
     "deposit: missing required field 'amount'"),
    ("1000", '{"op":"deposit","user":"carol","asset":"IRR","amount":5}',
     "deposit: field 'amount' must be a JSON string, got int"),
    ("2", '{"op":"limit","id":"x","user":"carol","symbol":"BTC-IRR","side":"buy",'
          '"price":100000000.0,"qty":"1"}',
     "limit: field 'price' must be a JSON string, got float"),
    ("1000", '["op","user"]', "a line must be a JSON object"),
    ("1000", '{"op":"limit","id":"x","user":"carol","symbol":"BTC-IRR","side":"up",'
             '"price":"1","qty":"1"}', "side 'up' must be buy or sell"),
])
def test_a_malformed_line_stops_the_replay_at_its_line_number(souq, tmp_path, batch, bad,
                                                             message):
    stream = tmp_path / "stream.jsonl"
    stream.write_text(lines(USER_C, "# a comment", "", DEPOSIT_C, bad, LATER))
    r = souq.run("replay", stream, "--batch", batch)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"error: {stream}: line 5: {message}")
    assert r.stderr.endswith("; lines before it are applied\n")
    assert len(r.stderr.splitlines()) == 1
    assert souq.json("wallets") == [{"user": "carol", "asset": "IRR", "balance": "5",
                                     "hold": "0", "available": "5"}]
    assert [row[:3] for row in journal(souq.db)] == [(1, "user", "accepted"),
                                                      (2, "deposit", "accepted")]


def test_in_memory_replay_stops_at_a_malformed_line_too(souq, tmp_path):
    stream = tmp_path / "stream.jsonl"
    stream.write_text(lines(USER_C, DEPOSIT_C, '{"op":"user"}', LATER))
    souq.fails("replay", stream, "--in-memory",
               match=f"{stream}: line 3: user: missing required field 'user'; "
                     "lines before it are applied")
    missing = tmp_path / "missing.jsonl"
    souq.fails("replay", missing, match=f"{missing}: no such file or directory")


def test_batches_commit_whole_and_check_catches_tampering(souq, tmp_path):
    import streamgen
    names = streamgen.users("t", 8)
    stream = tmp_path / "stream.jsonl"
    streamgen.write(stream, streamgen.setup(names) + streamgen.orders(names, 2475, seed=7))
    n = len(stream.read_text().splitlines())
    assert n == 2500
    out = souq.ok("replay", stream, "--batch", "100")
    commands, accepted, rejected, trades = summary(out)
    assert (commands, accepted + rejected) == (n, n)
    in_memory = summary(souq.ok("replay", stream, "--in-memory"))
    assert in_memory == (commands, accepted, rejected, trades)
    assert souq.ok("check").startswith(f"ok: {n:,} journal entries replayed")
    assert len(souq.json("trades")) == trades

    corruptions = {
        "wallet": ("UPDATE wallets SET balance = balance || '1' "
                   "WHERE user = 't03' AND asset = 'IRR'", "ledger: t03 IRR sums to balance"),
        "ledger": ("UPDATE ledger SET amount = '7' WHERE id = 3", "ledger: "),
        "journal": (f"DELETE FROM journal WHERE seq = {n}", "replay: "),
        "journal-status": ("UPDATE journal SET status = 'rejected' WHERE seq = 1",
                           "journal: seq 1 stored as rejected but replays as accepted"),
        "order": ("UPDATE orders SET status = 'cancelled' WHERE status = 'filled' "
                  "AND id = (SELECT MIN(id) FROM orders WHERE status = 'filled')",
                  "replay: order "),
        "order-qty": ("UPDATE orders SET qty = '0.0042' WHERE id = (SELECT MIN(id) FROM orders)",
                      "replay: order 26 replays with qty '0.0004' stored '0.0042'"),
        "trade-price": ("UPDATE trades SET price = '1' WHERE id = 5", "replay: trade 5 replays as"),
        "trade-gone": ("DELETE FROM trades WHERE id = 5",
                       f"replay: journal gives {trades} trades, trades table holds {trades - 1}"),
    }
    copies = {}
    for name, (sql, _) in corruptions.items():
        copy = tmp_path / f"{name}.db"
        shutil.copy(souq.db, copy)
        with sqlite3.connect(copy) as conn:
            assert conn.execute(sql).rowcount >= 1, name
        copies[name] = Souq(copy)
    results = souq.run_all([(("--db", copies[name].db, "check"), None) for name in corruptions])
    for (name, (_, violation)), r in zip(corruptions.items(), results):
        assert r.returncode == 1, f"{name}: check passed: {r.stdout}"
        assert r.stdout == ""
        errors = r.stderr.splitlines()
        assert re.fullmatch(r"error: 1 invariant violation|error: [\d,]+ invariant violations",
                            errors[-1]), errors[-1]
        assert any(e.startswith("violation: " + violation) for e in errors[:-1]), (name, errors)
    # the original is untouched and still sound
    assert souq.ok("check").startswith(f"ok: {n:,} journal entries replayed")


UNREADABLE = [    # the market, then test_migrate's orders with numbers that cannot be read
    {"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y", "tick_size": "1",
     "qty_step": "1"},
    {"op": "user", "user": "a"},
    {"op": "deposit", "user": "a", "asset": "Y", "amount": "100"},
    *UNREADABLE_ORDERS,
]


def _order(oid, cid, kind, price, stop, qty, status, reason) -> dict:
    return {"id": oid, "user": "a", "client_id": cid, "symbol": "X-Y", "side": "buy",
            "type": kind, "tif": "gtc", "price": price, "stop_price": stop, "qty": qty,
            "filled": "0", "avg_price": None, "status": status, "reason": reason}


def test_a_number_replay_cannot_read_is_unknown_never_0(souq, tmp_path):
    """An order line whose quantity, price or stop price is no number is journalled as
    rejected with the reason; its row holds NULL for that number (it never had one), so
    `souq orders` leaves the cell empty, as for a market order's price, and --json says
    null, where both said 0 before. `check` replays the journal to the same rows."""
    stream = tmp_path / "unreadable.jsonl"
    stream.write_text(lines(*UNREADABLE))
    assert summary(souq.ok("replay", stream)) == (7, 4, 3, 0)
    with sqlite3.connect(souq.db) as conn:
        assert conn.execute("SELECT id, price, stop_price, qty FROM orders ORDER BY id"
                            ).fetchall() == [(4, "5", None, None), (5, None, None, "2"),
                                             (6, "5", None, "2"), (7, "5", None, "2")]
    assert souq.json("orders") == [
        _order(4, "q", "limit", "5", None, None, "rejected",
               "qty 'abc' is not a plain decimal number"),
        _order(5, "p", "limit", None, None, "2", "rejected", "price 'NaN' is not a finite number"),
        _order(6, "s", "stop_limit", "5", None, "2", "rejected",
               "stop_price must be positive, got '-1'"),
        _order(7, "ok", "limit", "5", None, "2", "active", None)]
    rows = [line for line in souq.ok("orders").splitlines() if line.startswith("│")]
    assert rows == [
        "│  4 │ a    │ q         │ X-Y    │ buy  │ limit      │ gtc │     5 │            │     "
        "│      0 │           │ rejected │ qty 'abc' is not a plain decimal number │",
        "│  5 │ a    │ p         │ X-Y    │ buy  │ limit      │ gtc │       │            │   2 "
        "│      0 │           │ rejected │ price 'NaN' is not a finite number      │",
        "│  6 │ a    │ s         │ X-Y    │ buy  │ stop_limit │ gtc │     5 │            │   2 "
        "│      0 │           │ rejected │ stop_price must be positive, got '-1'   │",
        "│  7 │ a    │ ok        │ X-Y    │ buy  │ limit      │ gtc │     5 │            │   2 "
        "│      0 │           │ active   │                                         │"]
    assert souq.ok("check").startswith("ok: 7 journal entries replayed; ledger, holds, books "
                                       "and projections agree\n")
