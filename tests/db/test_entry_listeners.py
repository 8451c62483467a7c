"""What the store hands over as it applies the journal (db.store.Entry, Store.entry_listeners)
is what the journal holds: each entry's seq, time, actor, op, status, reason and events,
whether this process committed it or caught up on another's."""
import orjson

from souq.db import queries as Q
from souq.db.api import Api
from souq.mm.demo import demo_commands

BEST_ASK = "95000500000"        # the demo book's BTC-IRR best ask


def journal(api: Api, after: int) -> list[tuple]:
    with api.db.connect() as conn:
        return [(r["seq"], r["ts"], r["actor"], r["op"], r["status"], r["reason"],
                 orjson.loads(r["events"])) for r in Q.journal_since(conn, after, 10_000)]


def as_read(entries) -> list[tuple]:
    """Entries as the journal reads back: events through JSON (tuples become lists)."""
    return [(*e[:6], orjson.loads(orjson.dumps(e.events))) for e in entries]


COMMANDS = [
    {"op": "limit", "id": "t1", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
     "price": BEST_ASK, "qty": "0.0002"},                                   # trades
    {"op": "limit", "id": "t2", "user": "alice", "symbol": "BTC-IRR", "side": "buy",
     "price": "94000000000", "qty": "0.0001"},                              # rests
    {"op": "cancel", "user": "alice", "id": "no-such-order"},               # rejected
    {"op": "cancel", "user": "alice", "id": "t2"},
]


def test_entries_handed_over_are_the_journal_rows_written_and_caught_up(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    writer = Api(url)
    writer.execute_many(demo_commands())
    follower = Api(url)
    start = follower.exchange().seq
    written, caught_up = [], []
    writer.add_entry_listener(written.extend)
    follower.add_entry_listener(caught_up.extend)
    for command in COMMANDS:            # one commit each, as a person's commands
        writer.execute_many([command])
    follower.refresh()
    rows = journal(writer, start)
    assert [r[4] for r in rows] == ["accepted", "accepted", "rejected", "accepted"]
    assert any(ev[0] == "trade" for ev in rows[0][6])
    assert as_read(written) == rows
    assert as_read(caught_up) == rows
    writer.close()
    follower.close()
