"""`souq data import|list|show|delete` and `souq stress` through the real script: exact
outputs; a bad file is one `error:` line naming the line, and nothing is stored."""
import sqlite3


TRADES = ("time,price,qty,side\n"
          "2024-03-01T09:30:00Z,100.5,0.25,buy\n"
          "2024-03-01T09:30:01.5Z,100.25,1,sell\n")
BOOK = ("time,side,price,size,kind\n"
        "1709285400000000000,bid,99,2,snapshot\n"
        "1709285400000000000,ask,101,3,snapshot\n"
        "1709285401000000000,bid,99,0,update\n")


def stored(souq) -> tuple:
    with sqlite3.connect(souq.db) as conn:
        return tuple(conn.execute(f"select * from {t} order by 1, 2").fetchall()
                     for t in ("md_sets", "md_trades", "md_book"))


def add_symbols(souq, *names, users=()) -> None:
    """Data sets are for symbols the exchange has (and only users it knows may ask)."""
    souq.feed(*({"op": "symbol", "symbol": n, "base": n.split("-")[0] + "B",
                 "quote": n.split("-")[-1] + "Q", "tick_size": "1", "qty_step": "1"}
                for n in names), *({"op": "user", "user": u} for u in users))


def test_import_list_show_delete(souq, tmp_path):
    add_symbols(souq, "BTC-IRR", "ETH-USDT")
    (tmp_path / "t.csv").write_text(TRADES)
    (tmp_path / "b.csv").write_text(BOOK)
    assert souq.ok("data", "import", tmp_path / "t.csv", "--name", "t1", "--kind", "trades",
                   "--symbol", "BTC-IRR") == ("data set t1: 2 trades rows for BTC-IRR, "
                                              "2024-03-01T09:30:00Z to "
                                              "2024-03-01T09:30:01.5Z\n")
    assert souq.json("data", "import", tmp_path / "b.csv", "--name", "b1", "--kind", "book",
                     "--symbol", "ETH-USDT") == {
        "name": "b1", "kind": "book", "symbol": "ETH-USDT", "rows": 3,
        "first": "2024-03-01T09:30:00Z", "last": "2024-03-01T09:30:01Z", "source": "b.csv"}
    listing, shown = souq.jsons(("data", "list"), ("data", "show", "t1", "--rows", "1"))
    assert [(d["name"], d["kind"], d["rows"]) for d in listing] == [("b1", "book", 3),
                                                                  ("t1", "trades", 2)]
    assert shown["head"] == [{"time": "2024-03-01T09:30:00Z", "price": "100.5",
                              "qty": "0.25", "side": "buy"}]
    table = souq.ok("data", "show", "b1")
    assert "snapshot" in table and "2024-03-01T09:30:01Z" in table
    assert souq.ok("data", "delete", "t1") == "data set t1 deleted\n"
    assert [d["name"] for d in souq.json("data", "list")] == ["b1"]


def test_bad_input_is_one_line_and_changes_nothing(souq, tmp_path):
    add_symbols(souq, "X", users=("alice",))
    (tmp_path / "t.csv").write_text(TRADES)
    souq.ok("data", "import", tmp_path / "t.csv", "--name", "t1", "--kind", "trades",
            "--symbol", "X")
    before = stored(souq)
    (tmp_path / "bad.csv").write_text(TRADES + "2024-03-01T09:30:02Z,100,1e3,buy\n")
    imp = ("data", "import")
    souq.fail_all([
        ((*imp, tmp_path / "bad.csv", "--name", "t2", "--kind", "trades", "--symbol", "X"),
         None, "bad.csv line 4: qty '1e3' uses exponent notation"),
        ((*imp, tmp_path / "t.csv", "--name", "t3", "--kind", "book", "--symbol", "X"),
         None, "t.csv line 1: header must be exactly time,side,price,size or "
               "time,side,price,size,kind"),
        ((*imp, tmp_path / "t.csv", "--name", "t1", "--kind", "trades", "--symbol", "X"),
         None, "data set 't1' already exists; delete it first"),
        ((*imp, tmp_path / "t.csv", "--name", "t4", "--kind", "ticks", "--symbol", "X"),
         None, "--kind must be trades or book, not 'ticks'"),
        ((*imp, tmp_path / "none.csv", "--name", "t5", "--kind", "trades", "--symbol", "X"),
         None, "no file"),
        ((*imp, tmp_path / "t.csv", "--name", "t6", "--kind", "trades", "--symbol", "X"),
         "alice", "only an admin may import market data"),
        (("data", "show", "zz"), None, "no data set 'zz'"),
        (("data", "delete", "zz"), None, "no data set 'zz'"),
    ])
    assert stored(souq) == before


def test_stress_rejects_bad_options(souq):
    souq.fails("stress", "x", "--seeds", "0", match="--seeds must be at least 1")
    souq.fails("stress", "x", "--duration", "-1", match="--duration must be positive")


def test_stress_runs_scenarios_on_a_demo_configuration(souq):
    souq.ok("init", "--demo")
    out = souq.json("stress", "pingpong-eth", "--seeds", "2", "--duration", "5",
                    "--scenario", "normal", "--scenario", "flash_crash",
                    "--param", "flash_crash.at=1")
    assert [(r["scenario"], r["seeds"]) for r in out["scenarios"]] == [
        ("normal", [1, 2]), ("flash_crash", [1, 2])]
    assert [(r["scenario"], r["seed"]) for r in out["runs"]] == [
        ("normal", 1), ("normal", 2), ("flash_crash", 1), ("flash_crash", 2)]
    again = souq.json("stress", "pingpong-eth", "--seeds", "2", "--duration", "5",
                      "--scenario", "normal", "--scenario", "flash_crash",
                      "--param", "flash_crash.at=1")
    assert again == out
    souq.fails("stress", "pingpong-eth", "--param", "flash_crash.size=1",
               match="flash_crash has no parameter 'size'")
