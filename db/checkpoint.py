"""Check points: the exchange as a clean `souq check` left it, so the next check can start
there (`souq check --since SEQ`) instead of replaying the whole journal.

A check point holds what replay needs to continue and what the ledger check sums on top
of: users with their wallets, symbols, open orders (queue order by rank, stops by id),
the sequence counters, and per asset deposits minus withdrawals. It grows with the open
state, never with the history. Stored as zlib'd JSON (integers exact at any size).
"""
import json
import zlib
from dataclasses import fields

from sqlalchemy import delete, select

from souq.engine.exchange import Exchange
from souq.engine.model import QUEUED, STATUSES, Order, Symbol, User
from souq.engine.symbols import SymbolSpec

from . import schema as S
from .load import rest_in_books

KEEP = 3   # the newest check points kept; older ones are dropped when one is recorded
_STATUS = {s: s for s in STATUSES}
# A symbol row: its spec's fields in SymbolSpec's order (name, base, quote, tick, step,
# min_qty, max_qty, band, ref, maker, taker), then its live state.
_SPEC = tuple(f.name for f in fields(SymbolSpec))
_STATE = ("active", "sessions", "open", "last")
_ORDER = ("oid", "cid", "side", "type", "tif", "stp", "price", "stop", "qty", "filled", "cost",
          "status", "reason", "hold", "rank")


def dump(ex: Exchange, external: dict[str, int]) -> bytes:
    """The replayed exchange `ex` at ex.seq and `external` (asset -> deposits minus
    withdrawals) as check point bytes."""
    orders = sorted((o for u in ex.users.values() for o in u.open_orders()),
                    key=lambda o: o.oid)
    state = {
        "seq": ex.seq, "trade_seq": ex.trade_seq, "rank_seq": ex.rank_seq,
        "users": [[u.name, u.role, u.status, u.wallets] for u in ex.users.values()],
        "symbols": [[getattr(s.spec, k) for k in _SPEC] + [getattr(s, k) for k in _STATE]
                    for s in ex.symbols.values()],
        "orders": [[o.user.name, o.sym.name] + [getattr(o, k) for k in _ORDER] for o in orders],
        "external": external,
    }
    return zlib.compress(json.dumps(state, separators=(",", ":")).encode())


def load(blob: bytes) -> tuple[Exchange, dict[str, int]]:
    """Check point bytes back to (exchange at its seq, external per asset). Client ids of
    closed orders are not in it: the caller seeds them (db.load.ClientIds)."""
    state = json.loads(zlib.decompress(blob))
    ex = Exchange()
    ex.seq, ex.trade_seq, ex.rank_seq = state["seq"], state["trade_seq"], state["rank_seq"]
    for name, role, status, wallets in state["users"]:
        u = ex.users.get(name) or User(name, role)
        u.role, u.status, u.wallets = role, status, wallets
        ex.users[name] = u
    for row in state["symbols"]:
        s = Symbol(SymbolSpec(*row[:len(_SPEC)]))
        s.active, s.sessions, s.open, s.last = row[len(_SPEC):]
        ex.symbols[s.name] = s
    resting = []
    for row in state["orders"]:
        user, sym = ex.users[row[0]], ex.symbols[row[1]]
        f = dict(zip(_ORDER, row[2:]))
        o = Order(f["oid"], user, f["cid"], sym, f["side"], f["type"], f["tif"], f["stp"],
                  f["price"], f["stop"], f["qty"])
        o.filled, o.cost, o.reason, o.hold, o.rank = (f["filled"], f["cost"], f["reason"],
                                                       f["hold"], f["rank"])
        o.status = _STATUS[f["status"]]
        user.orders[o.cid] = o
        if o.status == QUEUED:
            sym.stops.append(o)
        else:
            resting.append(o)
    rest_in_books(resting)
    return ex, state["external"]


def record(engine, ex: Exchange, external: dict[str, int], created_ts: int) -> None:
    """Store a check point at ex.seq (its own short write transaction), keeping KEEP."""
    T = S.CheckPoint
    with engine.begin() as conn:
        if conn.execute(select(T.seq).where(T.seq == ex.seq)).first() is None:
            conn.execute(T.__table__.insert().values(seq=ex.seq, created_ts=created_ts,
                                                     state=dump(ex, external)))
        keep = [r[0] for r in conn.execute(select(T.seq).order_by(T.seq.desc()).limit(KEEP))]
        if len(keep) == KEEP:
            conn.execute(delete(T).where(T.seq < keep[-1]))


def find(conn, seq: int) -> bytes | None:
    return conn.execute(select(S.CheckPoint.state).where(S.CheckPoint.seq == seq)).scalar()


def recorded(conn) -> list[int]:
    return [r[0] for r in conn.execute(select(S.CheckPoint.seq).order_by(S.CheckPoint.seq))]
