"""The exchange on a real PostgreSQL server (SOUQ_TEST_PG_URL; see tests/pg_kit.py): the
worked example to the exact balances, refusals journalled, and two writer processes at
once losing and doubling nothing; `souq check` clean after each."""
import json
import subprocess
from pathlib import Path

import pytest

import pg_kit
import streamgen
from souq_cli import Souq
from test_db_replay import EXAMPLE, EXAMPLE_WALLETS, TRADE_LINE, summary

pytestmark = [pytest.mark.pg_only, pytest.mark.slow]


@pytest.fixture
def pg_souq(tmp_path):
    """The CLI on a new, empty PostgreSQL database (dropped after the test)."""
    with pg_kit.fresh_database(pg_kit.need_pg()) as url:
        yield Souq(tmp_path / "souq.db", url=url)


def test_worked_example_on_postgresql_to_the_exact_balances(pg_souq, tmp_path):
    out = pg_souq.ok("replay", EXAMPLE, "--batch", "1")
    assert summary(out) == (7, 7, 0, 1)
    wallets, trades = pg_souq.jsons(("wallets",), ("trades",))
    assert wallets == EXAMPLE_WALLETS
    assert trades == [json.loads(TRADE_LINE)]
    assert pg_souq.ok("check").startswith("ok: 7 journal entries replayed; ledger, holds, "
                                          "books and projections agree\n")
    pg_souq.fails("order", "place", "BTC-IRR", "buy", "1", "-p", "1", as_user="nobody",
                  match="nobody")
    assert pg_souq.jsons(("wallets",)) == [EXAMPLE_WALLETS]


def test_two_writers_on_postgresql_lose_and_double_nothing(pg_souq, tmp_path):
    names_a, names_b = streamgen.users("a", 5), streamgen.users("b", 5)
    setup = tmp_path / "setup.jsonl"
    streamgen.write(setup, streamgen.setup(names_a + names_b))
    pg_souq.ok("replay", setup, "--batch", "100")
    base = pg_kit.rows(pg_souq.url, "SELECT COUNT(*) FROM journal")[0][0]
    streams = {"A": streamgen.orders(names_a, 400, seed=21, tag="A"),
               "B": streamgen.orders(names_b, 400, seed=22, tag="B")}
    files = {}
    for tag, cmds in streams.items():
        files[tag] = Path(tmp_path / f"{tag}.jsonl")
        streamgen.write(files[tag], cmds)
    procs = {tag: pg_souq.popen("replay", files[tag], "--batch", "5", stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for tag in streams}
    for tag, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0 and err == "", f"{tag}: {err}"
        assert out.startswith("replayed 400 commands: ")
    seqs = [r[0] for r in pg_kit.rows(pg_souq.url, "SELECT seq FROM journal ORDER BY seq")]
    assert seqs == list(range(1, base + 801))
    bodies = [json.loads(r[0]) for r in
              pg_kit.rows(pg_souq.url, "SELECT body FROM journal WHERE seq > :b ORDER BY seq",
                          b=base)]
    for tag, cmds in streams.items():
        assert [b for b in bodies if b["user"][0].upper() == tag] == cmds
    check = pg_souq.run("check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith(f"ok: {base + 800:,} journal entries replayed")


def test_schema_4_orders_indexes_and_look_ups_on_postgresql(tmp_path):
    """Schema 4 on PostgreSQL: the three orders indexes (two partial) are made, a
    version-3 database gets them in place of its four, and after a restart (only open
    orders in memory) closed client ids are found one and many at a time, open orders
    and the book read, and `check` is clean."""
    from sqlalchemy import create_engine, text

    from souq.db.bench import _prepared
    from souq.db.queries import book
    from souq.db.schema import SCHEMA_VERSION
    from souq.db.store import Store, prepare
    from souq.engine.workload import orders, setup
    with pg_kit.fresh_database(pg_kit.need_pg()) as url:
        store = Store(url)
        store.submit(_prepared(setup(20)), 0)
        store.submit(_prepared(orders(1500, 20, 7)), 1)
        closed = [(u.name, cid) for u in store.ex.users.values()
                  for cid, o in u.orders.items() if not o.is_open][:120]
        open_before = sorted(o.oid for u in store.ex.users.values() for o in u.open_orders())
        store.close()
        engine = create_engine(url)
        with engine.begin() as conn:       # back to the layout of schema 3
            for name in ("ix_orders_user_client_id", "ix_orders_open", "ix_orders_ranked"):
                conn.execute(text(f"DROP INDEX {name}"))
            conn.execute(text('CREATE INDEX ix_orders_user ON orders ("user")'))
            conn.execute(text("CREATE INDEX ix_orders_status ON orders (status)"))
            conn.execute(text("CREATE INDEX ix_orders_rank ON orders (rank)"))
            conn.execute(text('CREATE INDEX ix_orders_client_id ON orders (client_id, "user")'))
            conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema'"))
        for size in (1, 10, 120):
            store = Store(url)             # migrates (once), then starts from open orders
            assert sorted(o.oid for u in store.ex.users.values()
                          for o in u.open_orders()) == open_before
            part = closed[:size]
            result = store.submit([prepare({"op": "cancel", "id": cid, "user": u},
                                           "@operator") for u, cid in part], 2)
            assert all("already" in (out.reason or "") for out in result.outcomes)
            store.close()
        with engine.connect() as conn:
            names = {r[0] for r in conn.execute(text(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'orders'"))}
            assert {"ix_orders_user_client_id", "ix_orders_open", "ix_orders_ranked"} <= names
            assert not names & {"ix_orders_user", "ix_orders_status", "ix_orders_rank",
                                "ix_orders_client_id"}
            assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema'")).scalar() \
                == SCHEMA_VERSION
            assert book(conn, "BTC-IRR")["bids"]
        engine.dispose()
        souq = Souq(tmp_path / "souq.db", url=url)
        assert souq.run("check").returncode == 0


def test_deferred_projections_on_postgresql(tmp_path):
    """Projections off the command path (db/projected.py) on PostgreSQL: a deferring
    writer's window is seen by nobody (a reader on another connection catches it up
    under the write lock), a writer gone mid-window is caught up by the next start-up,
    and every read then equals the same commands written with their projections."""
    from souq.db.api import Api
    from souq.db.bench import _prepared
    from souq.db.projected import MARK_KEY
    from souq.db.store import Store
    from souq.engine.workload import orders, setup

    def answer(url):
        api = Api(url)
        try:
            strip = lambda rows: [{k: v for k, v in r.items() if k != "updated_seq"}
                                  for r in rows]
            return (strip(api.orders()), api.trades(), api.wallets(), api.ledger(),
                    api.book("BTC-IRR", 50))
        finally:
            api.close()

    def mark(url):
        return pg_kit.rows(url, "SELECT value FROM meta WHERE key = :k", k=MARK_KEY)[0][0]

    stream = _prepared(orders(1200, 20, 9))
    with pg_kit.fresh_database(pg_kit.need_pg()) as url, \
            pg_kit.fresh_database(pg_kit.need_pg()) as plain:
        writer, reference = Store(url, defer=5000), Store(plain)
        for store in (writer, reference):
            store.submit(_prepared(setup(20)), 0)
        for k in range(0, 600, 100):
            writer.submit(stream[k:k + 100], 10 + k)
            reference.submit(stream[k:k + 100], 10 + k)
        assert mark(url) != "all"
        assert answer(url) == answer(plain)              # the read caught them up
        assert mark(url) == "all"
        for k in range(600, 1200, 100):
            writer.submit(stream[k:k + 100], 10 + k)
            reference.submit(stream[k:k + 100], 10 + k)
        writer._close()                                  # gone mid-window
        reference.close()
        assert mark(url) != "all"
        Store(url, create=False).close()                 # start-up catches them up
        assert mark(url) == "all"
        assert answer(url) == answer(plain)
        souq = Souq(tmp_path / "souq.db", url=url)
        assert souq.run("check").returncode == 0


def test_schema_6_unknown_numbers_on_postgresql(tmp_path):
    """Schema 6 on PostgreSQL: a version-5 database (orders.qty NOT NULL, "0" stored for a
    rejected order's quantity, price or stop price that could not be read) is upgraded in
    place: the constraint dropped, those "0"s NULL, every other row as it was, and `check`
    clean; a new order line with an unreadable quantity then stores NULL."""
    from sqlalchemy import create_engine, text

    from souq.db.schema import SCHEMA_VERSION
    from souq.db.store import Store
    from test_migrate import UNREADABLE
    with pg_kit.fresh_database(pg_kit.need_pg()) as url:
        souq = Souq(tmp_path / "souq.db", url=url)
        souq.feed({"op": "symbol", "symbol": "X-Y", "base": "X", "quote": "Y",
                   "tick_size": "1", "qty_step": "1"}, {"op": "user", "user": "a"},
                  {"op": "deposit", "user": "a", "asset": "Y", "amount": "100"})
        stream = tmp_path / "unreadable.jsonl"
        stream.write_text("".join(json.dumps(o) + "\n" for o in UNREADABLE))
        souq.ok("replay", stream)
        engine = create_engine(url)
        rows = ("SELECT client_id, price, stop_price, qty, status FROM orders ORDER BY id")
        with engine.begin() as conn:       # back to the layout and values of schema 5
            conn.execute(text("UPDATE orders SET qty = '0' WHERE qty IS NULL"))
            conn.execute(text("UPDATE orders SET price = '0' WHERE client_id = 'p'"))
            conn.execute(text("UPDATE orders SET stop_price = '0' WHERE client_id = 's'"))
            conn.execute(text("ALTER TABLE orders ALTER COLUMN qty SET NOT NULL"))
            conn.execute(text("UPDATE meta SET value = '5' WHERE key = 'schema'"))
        Store(url).close()                 # migrates
        nullable = ("SELECT is_nullable FROM information_schema.columns WHERE "
                    "table_name = 'orders' AND column_name = 'qty'")
        with engine.connect() as conn:
            assert conn.execute(text(nullable)).scalar() == "YES"
            assert conn.execute(text(rows)).fetchall() == [
                ("q", "5", None, None, "rejected"), ("p", None, None, "2", "rejected"),
                ("s", "5", None, "2", "rejected"), ("ok", "5", None, "2", "active")]
            assert conn.execute(text("SELECT value FROM meta WHERE key = 'schema'")).scalar() \
                == SCHEMA_VERSION
        engine.dispose()
        assert souq.ok("check").startswith("ok: 7 journal entries replayed")
