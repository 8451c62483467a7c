"""The projections: what a batch of engine outcomes changes in the tables.

`Changes.of(outcomes)` reads the typed events of engine.events (no positional tuples) and
gathers, per batch: the orders touched (as they stand after the batch), the trades, the
ledger moves, the wallets they touched, and the users, symbols, assets and sessions that
changed. The functions below turn them into rows (decimal text at the edge, integers
inside), which db.store writes with db.sql.Bulk. Column lists come from db/schema.py.

An order's status and time priority (rank) are indexed (db/schema.py), and SQLite rewrites
an index entry whenever an UPDATE sets its column, even to the value it has: a page more
in every commit. So Changes also notes which orders' status or rank may have moved, from
the events that move them (every status change is a status event, which the journal keeps;
a rank is given only by OrderRested and taken only by OrderAmended), and an order that
only filled further or changed its hold is written without them (ORDER_UPDATES).

This module is the durable path's row building, so setup.py compiles it (COMPILED_DB;
db/native.py decides at import whether it runs compiled) from this same file: the .pxd
beside it makes `Changes` a cdef class and types the locals that hold the engine's
records, so an order's fields are read at C level. Pure Python gives the same rows.
"""
from souq.engine.events import (
    ORDER_EVENTS, STATUS_EVENTS, UNJOURNALLED, AssetPrecisionSet, LedgerMoved, OrderAmended,
    OrderRested, SessionChanged, SymbolChanged, Trade, UserChanged,
)
from souq.engine.model import AVAIL, FEES, HELD, Order
from souq.engine.numbers import fmt, fmt_amount

from .memo import cached

BUCKET = ("available", "held")


class Changes:
    """Everything one batch of outcomes changed (see the module doc)."""
    __slots__ = ("orders", "trades", "moves", "wallets", "users", "symbols", "assets",
                 "sessions", "statused", "ranked")

    def __init__(self) -> None:
        self.orders: dict[int, Order] = {}       # oid -> order, after the batch
        self.trades: list = []                   # engine.events.Trade
        self.moves: list = []                    # LedgerMoved and Trade, in ledger order
        self.wallets: set = set()                # (user, asset) touched
        self.users: dict = {}                    # name -> User
        self.symbols: dict = {}                  # name -> Symbol
        self.assets: dict[str, int] = {}         # asset -> decimal places
        self.sessions: list = []                 # (seq, ts, Symbol, opened)
        self.statused: set = set()               # oids with a status event (may have moved)
        self.ranked: set = set()                 # oids rested or amended (rank may have moved)

    @classmethod
    def of(cls, outcomes, ts: int = 0) -> "Changes":
        """Gather the changes of `outcomes` (engine.events.Outcome, in order), journalled
        at `ts` (ns)."""
        ch = cls()
        for out in outcomes:
            ch.add(out, ts)
        return ch

    def add(self, out, ts: int = 0) -> list[tuple]:
        """Fold one outcome's changes in; returns its journal rows (engine.events
        journal_rows, made in the same pass over the events)."""
        orders, moves, wallets = self.orders, self.moves, self.wallets
        rows = []
        for e in out.events:
            t = type(e)
            if t in STATUS_EVENTS:
                ev = e                         # compiled: an OrderEvent, read at C level
                o = ev.order
                orders[o.oid] = o
                self.statused.add(o.oid)
                rows.append(("order", o.oid, t.status, ev.reason))
            elif t is LedgerMoved:
                moves.append(e)
                wallets.add((e[3], e[2]))      # (src, asset)
                wallets.add((e[5], e[2]))      # (dst, asset)
            elif t is Trade:                   # it stands for its settlement moves
                rows.append(("trade", e[0]))
                self.trades.append(e)
                moves.append(e)
                maker, taker = e[6], e[7]
                orders[maker.oid] = maker
                sym = maker.sym                # its base and quote: the spec's, kept live
                self.symbols[e[3]] = sym
                for u in (maker.user.name, taker.user.name):
                    wallets.add((u, sym.base))
                    wallets.add((u, sym.quote))
                if e[8] or e[9]:
                    wallets.add((FEES, sym.quote))
            else:
                if t in ORDER_EVENTS:          # rested, hold changed, amended
                    o = e.order
                    orders[o.oid] = o
                    if t is OrderRested or t is OrderAmended:
                        self.ranked.add(o.oid)
                elif t is UserChanged:
                    self.users[e.user.name] = e.user
                elif t is SymbolChanged:
                    self.symbols[e.symbol.name] = e.symbol
                elif t is SessionChanged:
                    s = e.symbol
                    self.symbols[s.name] = s
                    self.sessions.append((out.seq, ts, s, e.opened))
                elif t is AssetPrecisionSet:
                    self.assets[e.asset] = e.places
                if t not in UNJOURNALLED:
                    rows.append(e.row())
        return rows


fq = cached(fmt)           # prices and quantities: each value formatted once
fa = cached(fmt_amount)    # money amounts


def order_row(o: Order, seq: int) -> tuple:
    """An order as an orders row (ORDER_COLS order), last updated at `seq`. A price, stop
    price or quantity the order does not have, or that could not be read (None: an order
    rejected for it, engine/stream.py), is NULL: never written as a number (fmt(None) is
    "0")."""
    return (o.oid, o.user.name, o.cid, o.sym.name, o.side, o.type, o.tif, o.stp,
            None if o.price is None else fq(o.price), None if o.stop is None else fq(o.stop),
            None if o.qty is None else fq(o.qty), fq(o.filled), fa(o.cost), o.status,
            o.reason, fa(o.hold), o.rank, seq)


#: the columns an UPDATE of an order row sets (schema order), by what may have changed
#: (`update_kind`): 0 neither its status nor its rank, 1 its status, 2 its rank too. Price
#: and qty move only by amend (an OrderAmended: kind 2) and a price is set again only
#: when the order rests (an OrderRested: kind 2), so only kind 2 sets them: two bound
#: values fewer in every other update.
ORDER_UPDATES = (
    ("filled", "cost", "reason", "hold", "updated_seq"),
    ("filled", "cost", "status", "reason", "hold", "updated_seq"),
    ("price", "qty", "filled", "cost", "status", "reason", "hold", "rank", "updated_seq"),
)


def update_kind(ch: Changes, oid: int) -> int:
    """Which ORDER_UPDATES statement writes order `oid` after the batch `ch`: 2 when it was
    rested or amended (its rank may have moved), else 1 when it had a status event, else
    0 (it only filled further without a change of status, or its hold changed)."""
    return 2 if oid in ch.ranked else 1 if oid in ch.statused else 0


def order_update_row(o: Order, seq: int, kind: int = 2) -> tuple:
    """An order's changing fields in ORDER_UPDATES[kind] order, then its id."""
    if kind == 0:
        return (fq(o.filled), fa(o.cost), o.reason, fa(o.hold), seq, o.oid)
    if kind == 1:
        return (fq(o.filled), fa(o.cost), o.status, o.reason, fa(o.hold), seq, o.oid)
    return (None if o.price is None else fq(o.price), None if o.qty is None else fq(o.qty),
            fq(o.filled), fa(o.cost), o.status, o.reason, fa(o.hold), o.rank, seq, o.oid)


def order_rows(ch: Changes, floor: int, last: int, touch) -> tuple:
    """The orders rows of batch `ch` for projections standing at journal seq `floor`,
    every row last updated at `last`: (rows of the orders placed after `floor`, to insert;
    the others' ORDER_UPDATES rows by update_kind). `touch` (oid -> the seq it was last
    changed at, or None when every order of `ch` changed after `floor`) leaves out an
    order whose last change another process already projected."""
    new_rows, updates = [], ([], [], [])
    for oid, o in ch.orders.items():
        if oid > floor:
            new_rows.append(order_row(o, last))
        elif touch is None or touch.get(oid, last) > floor:
            kind = update_kind(ch, oid)
            updates[kind].append(order_update_row(o, last, kind))
    return new_rows, updates


def trade_row(t) -> tuple:
    """A trade (engine.events.Trade) as a trades row (TRADE_COLS order)."""
    tid, seq, ts, symbol, price, qty, m, o, maker_fee, taker_fee, side = t
    return (tid, seq, ts, symbol, fq(price), fq(qty), m.oid, o.oid, m.cid, o.cid,
            m.user.name, o.user.name, fa(maker_fee), fa(taker_fee), side)


def ledger_rows(moves) -> list[tuple]:
    """Ledger rows (LEDGER_COLS order) of `moves` (Changes.moves): a LedgerMoved is one
    row, a Trade the two to four rows of its settlement (engine.events.Trade.moves)."""
    out = []
    for m in moves:
        if type(m) is LedgerMoved:
            seq, kind, asset, src, sb, dst, db, amount, ref = m
            out.append((seq, kind, asset, src, BUCKET[sb], dst, BUCKET[db], fa(amount), ref))
            continue
        for seq, kind, asset, src, sb, dst, db, amount, ref in m.move_tuples():
            out.append((seq, kind, asset, src, BUCKET[sb], dst, BUCKET[db], fa(amount), ref))
    return out


def wallet_values(w: list[int]) -> tuple:
    """A wallet [available, held] as (balance, hold, available) text."""
    avail, held = w[AVAIL], w[HELD]
    return (fa(avail + held), fa(held), fa(avail))


def wallet_rows(ch: Changes, users: dict, known: set) -> tuple:
    """The wallets rows of batch `ch` as `users` (name -> engine User) hold them now:
    (rows of the wallets not in `known`, (user, asset) then values, to insert or upsert;
    the others' values then (user, asset), to update)."""
    new_rows, updated = [], []
    for key in ch.wallets:
        user = users[key[0]]
        values = wallet_values(user.wallets[key[1]])
        if key in known:
            updated.append(values + key)
        else:
            new_rows.append(key + values)
    return new_rows, updated


def symbol_row(s) -> tuple:
    """A symbol as a symbols row (SYMBOL_COLS order)."""
    p = s.spec
    return (p.name, p.base, p.quote, fmt(p.tick), fmt(p.step), fmt(p.min_qty),
            None if p.max_qty is None else fmt(p.max_qty), fmt(p.band),
            None if p.ref is None else fmt(p.ref), fmt(p.maker), fmt(p.taker), s.active,
            s.sessions, s.open, None if s.last is None else fmt(s.last))


def session_row(seq: int, ts: int, s, opened: bool) -> tuple:
    """A session opening (db.store SESSION_OPEN_COLS) or closing (SESSION_CLOSE_COLS) row
    of symbol `s` as it stands."""
    p = s.spec
    if opened:
        return (s.name, seq, ts, None if p.ref is None else fmt(p.ref), fmt(p.maker),
                fmt(p.taker))
    return (s.name, seq, ts, fmt(p.maker), fmt(p.taker))
