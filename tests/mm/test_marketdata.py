"""Market data import: round trip, every bad-row case (line number, reason, nothing
stored), snapshots, times, and a large file streamed in batches."""
import pytest
from sqlalchemy import func, select

from souq.db import schema as S
from souq.db.store import connect, create_schema
from souq.mm.marketdata import (BookEvent, DataError, SnapshotEvent, TradeEvent, delete_set,
                           format_time, import_csv, info, load, parse_time, sets)

T0 = 1_709_285_400_000_000_000          # 2024-03-01T09:30:00Z
P = 1_000_000_000                       # one unit at 1e-9


@pytest.fixture
def db():
    engine = connect("sqlite://")
    create_schema(engine)
    with engine.begin() as conn:       # data sets are for symbols the exchange has
        for name, base, quote in (("BTC-IRR", "BTC", "IRR"), ("X", "XB", "XQ")):
            conn.execute(S.SymbolRow.__table__.insert().values(
                name=name, base=base, quote=quote, tick_size="1", qty_step="1", min_qty="1",
                daily_limit="0", maker_fee="0", taker_fee="0", active=True, sessions=False,
                open=True))
    yield engine
    engine.dispose()


def write(tmp_path, text: str, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def counts(engine) -> tuple[int, int, int]:
    with engine.connect() as c:
        return tuple(c.execute(select(func.count()).select_from(t)).scalar()
                     for t in (S.MdSet, S.MdTrade, S.MdBook))


TRADES = ("time,price,qty,side\n"
          "2024-03-01T09:30:00Z,100.5,0.25,buy\n"
          "2024-03-01T09:30:00.000000001Z,100.25,1,sell\n"
          "1709285400500000000,101,2.000,buy\n"
          "2024-03-01T13:00:00.5+03:30,101.000000001,0.000000001,sell\n")


def test_trades_round_trip(db, tmp_path):
    row = import_csv(db, write(tmp_path, TRADES), name="t", kind="trades", symbol="BTC-IRR",
                     created_ts=7)
    assert row == {"name": "t", "kind": "trades", "symbol": "BTC-IRR", "rows": 4,
                   "first_ts": T0, "last_ts": T0 + 500_000_000, "source": "data.csv",
                   "created_ts": 7, "state": "ready"}
    with db.connect() as c:
        events = list(load(c, "t"))
        assert events == [TradeEvent(T0, 100_500_000_000, 250_000_000, "buy"),
                          TradeEvent(T0 + 1, 100_250_000_000, P, "sell"),
                          TradeEvent(T0 + 500_000_000, 101 * P, 2 * P, "buy"),
                          TradeEvent(T0 + 500_000_000, 101 * P + 1, 1, "sell")]
        # start inclusive, end exclusive
        assert [e.ts for e in load(c, "t", start=T0 + 1, end=T0 + 500_000_000)] == [T0 + 1]
        assert [s["name"] for s in sets(c)] == ["t"]


def test_book_round_trip_with_snapshots(db, tmp_path):
    text = ("time,side,price,size,kind\n"
            f"{T0},bid,99,2,snapshot\n"
            f"{T0},ask,101,3,snapshot\n"
            f"{T0 + 5},bid,99,0,update\n"
            f"{T0 + 6},ask,100.5,1.5,update\n"
            f"{T0 + 9},bid,98,1,snapshot\n"
            f"{T0 + 9},ask,100,1,snapshot\n")
    import_csv(db, write(tmp_path, text), name="b", kind="book", symbol="X")
    with db.connect() as c:
        assert list(load(c, "b")) == [
            SnapshotEvent(T0), BookEvent(T0, "buy", 99 * P, 2 * P),
            BookEvent(T0, "sell", 101 * P, 3 * P),
            BookEvent(T0 + 5, "buy", 99 * P, 0),
            BookEvent(T0 + 6, "sell", 100_500_000_000, 1_500_000_000),
            SnapshotEvent(T0 + 9), BookEvent(T0 + 9, "buy", 98 * P, P),
            BookEvent(T0 + 9, "sell", 100 * P, P)]


def test_book_without_kind_column_is_all_updates(db, tmp_path):
    import_csv(db, write(tmp_path, f"time,side,price,size\n{T0},ask,5,0\n"), name="u",
               kind="book", symbol="X")
    with db.connect() as c:
        assert list(load(c, "u")) == [BookEvent(T0, "sell", 5 * P, 0)]


BAD_TRADES = [
    ("time,price,qty\n", 1, "header must be exactly time,price,qty,side, got 'time,price,qty'"),
    ("Time,price,qty,side\n1,1,1,buy\n", 1, "header must be exactly"),
    ("time,price,qty,side\n1,1,1\n", 2, "3 fields where 4 are wanted"),
    ("time,price,qty,side\n1,1,1,buy\n2,1e5,1,buy\n", 3,
     "price '1e5' uses exponent notation"),
    ("time,price,qty,side\n1,-1,1,buy\n", 2, "price must be positive, got '-1'"),
    ("time,price,qty,side\n1,1,0,buy\n", 2, "qty must be positive, got '0'"),
    ("time,price,qty,side\n1,1,1.0000000001,buy\n", 2, "more than 9 decimal places"),
    ("time,price,qty,side\n1,abc,1,buy\n", 2, "price 'abc' is not a plain decimal number"),
    ("time,price,qty,side\n1,1,1,BUY\n", 2, "side must be buy or sell (the aggressor)"),
    ("time,price,qty,side\n5,1,1,buy\n4,1,1,buy\n", 3, "time 4 is before the previous row's"),
    ("time,price,qty,side\n2024-03-01 09:30:00,1,1,buy\n", 2,
     "neither integer nanoseconds nor ISO-8601"),
    ("time,price,qty,side\n2024-02-30T00:00:00Z,1,1,buy\n", 2, "is not a real date"),
    ("time,price,qty,side\n1,1,1,buy\n\n2,1,1,buy\n", 3, "0 fields where 4 are wanted"),
    ("time,price,qty,side\n", 0, "no data rows after the header"),
    ("", 0, "the file is empty"),
]


@pytest.mark.parametrize("text,line,reason", BAD_TRADES)
def test_bad_trades_file_names_the_line_and_stores_nothing(db, tmp_path, text, line, reason):
    import_csv(db, write(tmp_path, TRADES, "good.csv"), name="keep", kind="trades", symbol="X")
    before = counts(db)
    with pytest.raises(DataError) as exc:
        import_csv(db, write(tmp_path, text), name="bad", kind="trades", symbol="X")
    assert exc.value.line == line
    assert reason in exc.value.reason
    assert str(exc.value).startswith(f"data.csv line {line}: " if line else "data.csv: ")
    assert counts(db) == before


BAD_BOOK = [
    ("time,side,price,size,kind\n1,buy,1,1,update\n", 2, "side must be bid or ask"),
    ("time,side,price,size,kind\n1,bid,1,1,full\n", 2, "kind must be snapshot or update"),
    ("time,side,price,size,kind\n1,bid,1,0,snapshot\n", 2, "size must be positive, got '0'"),
    ("time,side,price,size,kind\n1,bid,1,-2,update\n", 2, "size must not be negative"),
    ("time,side,price,size\n1,bid,0,1\n", 2, "price must be positive"),
]


@pytest.mark.parametrize("text,line,reason", BAD_BOOK)
def test_bad_book_rows(db, tmp_path, text, line, reason):
    with pytest.raises(DataError) as exc:
        import_csv(db, write(tmp_path, text), name="bad", kind="book", symbol="X")
    assert (exc.value.line, reason in exc.value.reason) == (line, True), exc.value.reason
    assert counts(db) == (0, 0, 0)


def test_non_utf8_line_is_named(db, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"time,price,qty,side\n1,1,1,buy\n2,1,1,\xff\n")
    with pytest.raises(DataError, match="line 3: is not UTF-8 text"):
        import_csv(db, path, name="bad", kind="trades", symbol="X")
    assert counts(db) == (0, 0, 0)


def test_a_bad_row_after_many_batches_rolls_everything_back(db, tmp_path):
    rows = "".join(f"{i},1,1,buy\n" for i in range(1, 2501))
    path = write(tmp_path, "time,price,qty,side\n" + rows + "2500,1,1,sideways\n")
    with pytest.raises(DataError, match="line 2502: side must be buy or sell"):
        import_csv(db, path, name="big", kind="trades", symbol="X", batch=100)
    assert counts(db) == (0, 0, 0)


def test_names_kinds_and_duplicates(db, tmp_path):
    path = write(tmp_path, TRADES)
    for kw, match in (({"name": "a b"}, "data set name 'a b'"), ({"kind": "ticks"}, "kind"),
                      ({"symbol": ""}, "symbol ''")):
        args = {"name": "n", "kind": "trades", "symbol": "X", **kw}
        with pytest.raises(ValueError, match=match):
            import_csv(db, path, **args)
    import_csv(db, path, name="n", kind="trades", symbol="X")
    with pytest.raises(ValueError, match="data set 'n' already exists"):
        import_csv(db, path, name="n", kind="trades", symbol="X")
    assert counts(db) == (1, 4, 0)
    assert delete_set(db, "n") is True
    assert delete_set(db, "n") is False
    assert counts(db) == (0, 0, 0)
    with db.connect() as c, pytest.raises(ValueError, match="no data set 'n'"):
        info(c, "n")


def test_large_file_streams_in_batches_with_byte_progress(db, tmp_path):
    n = 60_000
    path = tmp_path / "big.csv"
    with path.open("w") as f:
        f.write("time,price,qty,side\n")
        for i in range(n):
            f.write(f"{T0 + i * 1000},{100 + i % 7}.5,0.{i % 9 + 1},{'buy' if i % 2 else 'sell'}\n")
    seen = []
    row = import_csv(db, path, name="big", kind="trades", symbol="X", progress=seen.append,
                     batch=5_000)
    size = path.stat().st_size
    assert row["rows"] == n and row["last_ts"] == T0 + (n - 1) * 1000
    assert len(seen) == n // 5_000 + 1 and seen == sorted(seen) and seen[-1] == size
    assert 0 < seen[0] < size
    with db.connect() as c:
        total = last = 0
        for e in load(c, "big"):
            assert e.ts >= last
            last, total = e.ts, total + 1
        assert total == n
        assert next(iter(load(c, "big", start=T0 + 59_999_000))) == TradeEvent(
            T0 + 59_999_000, 100_500_000_000 + (59_999 % 7) * P, (59_999 % 9 + 1) * P // 10, "buy")


def test_times():
    assert parse_time("2024-03-01T09:30:00Z") == T0
    assert parse_time("2024-03-01 09:30:00.000000007+00:00") == T0 + 7
    assert parse_time("2024-03-01T13:00:00-00:30") == T0 + 4 * 3600 * P
    assert parse_time(str(T0)) == T0
    assert format_time(T0) == "2024-03-01T09:30:00Z"
    assert format_time(T0 + 120_000_000) == "2024-03-01T09:30:00.12Z"
    for bad in ("2024-03-01T09:30:00", "1.5", "-5", "2024-03-01T09:30:00+25:00",
                "2024-03-01T09:30.5Z", "2024-03-01T09Z", "2024-03-01T09:30"):
        with pytest.raises(ValueError):
            parse_time(bad)


def test_iso_times_may_leave_out_the_seconds():
    """ISO-8601's hh:mm: `souq backtest --data D --from 2024-03-01T09:30Z` was refused as
    "neither integer nanoseconds nor ISO-8601 with a zone"; it is the minute's start."""
    assert parse_time("2024-03-01T09:30Z") == T0
    assert parse_time("2024-03-01T13:00-00:30") == T0 + 4 * 3600 * P


def test_shipped_rows_give_the_events_load_gives_for_every_window(db, tmp_path):
    """A cluster's workers replay a data set from rows shipped with the evaluation
    (mm.marketdata.load.ShippedSets): for every window the events are load's, snapshots'
    markers included."""
    import pickle

    from souq.mm.marketdata.load import ShippedSets
    S_ = 1_000_000_000
    book = "\n".join(["time,side,price,size,kind",
                      f"{T0},bid,99,2,snapshot", f"{T0},ask,101,3,snapshot",
                      f"{T0 + S_},bid,99,1,update",
                      f"{T0 + 2 * S_},bid,98,4,snapshot", f"{T0 + 2 * S_},ask,100,1,snapshot",
                      f"{T0 + 3 * S_},ask,100,0,update"]) + "\n"
    trades = "time,price,qty,side\n" + "".join(
        f"{T0 + i * S_},{100 + i},1,{'buy' if i % 2 else 'sell'}\n" for i in range(4))
    import_csv(db, write(tmp_path, book, "b.csv"), name="b", kind="book", symbol="X")
    import_csv(db, write(tmp_path, trades, "t.csv"), name="t", kind="trades", symbol="X")
    with db.connect() as conn:
        shipped = pickle.loads(pickle.dumps(ShippedSets(conn, ["b", "t"])))
        for start in (None, T0, T0 + 1, T0 + 2 * S_, T0 + 3 * S_):
            for end in (None, T0 + S_, T0 + 2 * S_ + 1, T0 + 4 * S_):
                for name in ("b", "t"):
                    assert list(shipped.source(name, start, end)) == \
                        list(load(conn, name, start, end)), (name, start, end)
    assert list(shipped.source("b", T0 + 2 * S_, T0 + 3 * S_)) == [
        SnapshotEvent(T0 + 2 * S_), BookEvent(T0 + 2 * S_, "buy", 98 * P, 4 * P),
        BookEvent(T0 + 2 * S_, "sell", 100 * P, 1 * P)]
    with pytest.raises(ValueError, match="no data set 'nope'"):
        shipped.source("nope")
