"""Anchors for `souq bench`: the same workload through the simplest code that does the
bare job, timed in the same process run, so each souq figure is read as a ratio that a
noisy or slow machine cannot hide (issue 16).

- `bare_matcher`: price-time matching on integer ticks and lots with sortedcontainers,
  one insertion-ordered dict of order id -> lots per price level; no ledger, no escrow,
  no fees, no validation, no events. What an exchange's matching alone costs in Python.
- `plain_inserts`: the rows souq's durable path writes for the workload (a journal entry
  per command; the orders, trades, ledger movements and wallets each batch touched, as
  the engine reports them), inserted with `sqlite3.executemany` into plain tables and
  committed with the same grouping. What persisting those rows alone costs.
Both take the workload already converted to plain tuples (outside the clock), as souq's
own figures take commands already parsed.
"""
import json
import sqlite3
import time
from pathlib import Path

from sortedcontainers import SortedDict

from souq.engine.events import ledger_moves
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command
from souq.engine.workload import orders, setup

from .projection import Changes

LIMIT, MARKET, CANCEL = 0, 1, 2
TICK, LOT = 1000, 10**4          # the workload's BTC-IRR grid: 1000 IRR, 0.0001 BTC


def _lots(qty: str) -> int:
    whole, _, frac = qty.partition(".")
    return int(whole) * LOT + int((frac + "0000")[:4])


def plain_commands(objs: list[dict]) -> list[tuple]:
    """(kind, order id, is_buy, price in ticks, qty in lots) per workload command."""
    out = []
    for o in objs:
        op = o["op"]
        if op == "cancel":
            out.append((CANCEL, o["id"], False, 0, 0))
        else:
            price = int(o["price"]) // TICK if op == "limit" else 0
            out.append((LIMIT if op == "limit" else MARKET, o["id"], o["side"] == "buy",
                        price, _lots(o["qty"])))
    return out


class BareBook:
    """One symbol's book: bids and asks as SortedDict price -> {order id: lots}."""

    def __init__(self) -> None:
        self.bids: SortedDict = SortedDict()
        self.asks: SortedDict = SortedDict()
        self.where: dict[str, tuple[bool, int]] = {}
        self.trades = 0

    def apply(self, kind: int, oid: str, buy: bool, price: int, qty: int) -> None:
        if kind == CANCEL:
            at = self.where.pop(oid, None)
            if at is not None:
                side = self.bids if at[0] else self.asks
                level = side[at[1]]
                del level[oid]
                if not level:
                    del side[at[1]]
            return
        book = self.asks if buy else self.bids
        while qty and book:
            best = book.keys()[0] if buy else book.keys()[-1]
            if kind == LIMIT and (best > price if buy else best < price):
                break
            level = book[best]
            for maker in list(level):
                fill = min(qty, level[maker])
                qty -= fill
                self.trades += 1
                if fill == level[maker]:
                    del level[maker]
                    del self.where[maker]
                else:
                    level[maker] -= fill
                if not qty:
                    break
            if not level:
                del book[best]
        if qty and kind == LIMIT:
            side = self.bids if buy else self.asks
            side.setdefault(price, {})[oid] = qty
            self.where[oid] = (buy, price)


def bare_matcher(commands: int, users: int, seed: int) -> dict:
    """commands/s of BareBook on the workload `db.bench.in_memory` times."""
    cmds = plain_commands(orders(commands, users, seed))
    book = BareBook()
    apply = book.apply
    start = time.perf_counter()
    cpu = time.process_time()
    for c in cmds:
        apply(*c)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    return {"commands": commands, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "cpu_seconds": round(cpu, 3),
            "commands_per_cpu_s": round(commands / cpu), "trades": book.trades}


SCHEMA = """
CREATE TABLE journal (seq INTEGER PRIMARY KEY, ts INTEGER, body TEXT);
CREATE TABLE orders (oid INTEGER PRIMARY KEY, user TEXT, cid TEXT, symbol TEXT, side TEXT,
                     price TEXT, qty TEXT, filled TEXT, status TEXT);
CREATE TABLE trades (tid INTEGER PRIMARY KEY, seq INTEGER, ts INTEGER, symbol TEXT,
                     price TEXT, qty TEXT, maker TEXT, taker TEXT, maker_fee TEXT,
                     taker_fee TEXT, side TEXT);
CREATE TABLE ledger (id INTEGER PRIMARY KEY, seq INTEGER, kind TEXT, asset TEXT, src TEXT,
                     dst TEXT, amount TEXT, ref INTEGER);
CREATE TABLE wallets (user TEXT, asset TEXT, available TEXT, held TEXT,
                      PRIMARY KEY (user, asset));
"""


def _batches(commands: int, users: int, seed: int, batch: int) -> list[tuple]:
    """The rows each batch of the durable path writes, from the engine itself."""
    ex = Exchange()
    for o in setup(users):
        ex.apply(parse_command(o))
    objs = orders(commands, users, seed)
    out = []
    for i in range(0, len(objs), batch):
        part = objs[i:i + batch]
        journal, outcomes = [], []
        for o in part:
            outcomes.append(ex.apply(parse_command(o)))
            journal.append((ex.seq, ex.seq, json.dumps(o)))
        ch = Changes.of(outcomes)
        users = ex.users
        out.append((
            journal,
            [(o.oid, o.user.name, o.cid, o.sym.name, o.side, str(o.price), str(o.qty),
              str(o.filled), "x") for o in ch.orders.values()],
            [(t.id, t.seq, t.ts, t.symbol, str(t.price), str(t.qty), t.maker.user.name,
              t.taker.user.name, str(t.maker_fee), str(t.taker_fee), t.taker_side)
             for t in ch.trades],
            [(m.seq, m.kind, m.asset, m.src, m.dst, str(m.amount), m.ref)
             for m in ledger_moves(ch.moves)],
            [(u, a, str(w[0]), str(w[1])) for u, a in ch.wallets
             for w in (users[u].wallets[a],)]))
    return out


def plain_inserts(path: Path, commands: int, users: int, seed: int, batch: int) -> dict:
    """commands/s of inserting the durable path's rows with plain sqlite3 (WAL,
    synchronous=NORMAL, as db.store.connect sets), one commit per `batch` commands."""
    batches = _batches(commands, users, seed, batch)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    rows = 0
    start = time.perf_counter()
    cpu = time.process_time()
    for journal, ords, trades, moves, wallets in batches:
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO journal VALUES (?,?,?)", journal)
        db.executemany("INSERT OR REPLACE INTO orders VALUES (?,?,?,?,?,?,?,?,?)", ords)
        db.executemany("INSERT INTO trades VALUES (?,?,?,?,?,?,?,?,?,?,?)", trades)
        db.executemany("INSERT INTO ledger (seq, kind, asset, src, dst, amount, ref) "
                       "VALUES (?,?,?,?,?,?,?)", moves)
        db.executemany("INSERT OR REPLACE INTO wallets VALUES (?,?,?,?)", wallets)
        db.execute("COMMIT")
        rows += len(journal) + len(ords) + len(trades) + len(moves) + len(wallets)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    db.close()
    return {"commands": commands, "batch": batch, "rows": rows, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "cpu_seconds": round(cpu, 3),
            "commands_per_cpu_s": round(commands / cpu)}


def bourse_matcher(commands: int, users: int, seed: int) -> dict | None:
    """commands/s of `bourse` (PyPI; a Rust order book behind a Python API, the `bench`
    extra) on the workload BareBook runs, or None when bourse is not installed. It matches
    price-time on the same integer ticks and lots, with no ledger: the class of speed issue
    16 names as the moonshot. Its own trade count is reported beside the bare matcher's."""
    try:
        from bourse.core import OrderBook
    except ImportError:
        return None
    objs = orders(commands, users, seed)
    traders = [int(o["user"][1:]) if "user" in o else 0 for o in objs]
    cmds = [(*c, t) for c, t in zip(plain_commands(objs), traders)]
    book = OrderBook(0, True)
    place, cancel = book.place_order, book.cancel_order
    ids: dict[str, int] = {}
    start = time.perf_counter()
    for kind, oid, buy, price, qty, trader in cmds:
        if kind == LIMIT:
            ids[oid] = place(buy, qty, trader, price)
        elif kind == MARKET:
            place(buy, qty, trader)
        else:
            at = ids.pop(oid, None)
            if at is not None:
                cancel(at)
    seconds = time.perf_counter() - start
    return {"commands": commands, "seconds": round(seconds, 3),
            "commands_per_s": round(commands / seconds), "trades": len(book.get_trades())}
