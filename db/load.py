"""Start-up: rebuild the in-memory exchange from the projections, not by replaying.

Books come back in their time priority (`rank`), stops in placement order, and every
client id a user ever used comes back so duplicates stay rejected.
"""
from sqlalchemy import func, select

from engine.exchange import Exchange
from engine.fees import precision_unit
from engine.model import ACTIVE, PARTIAL, QUEUED, STATUSES, Level, Order, Symbol, User
from engine.numbers import AMOUNT_DP, PRICE_DP

from . import schema as S

_P = 10**PRICE_DP
_STATUS = {s: s for s in STATUSES}   # the engine compares statuses by identity
_A = 10**AMOUNT_DP


def to_int(text: str | None, scale: int = _P) -> int | None:
    """Trusted decimal string from our own tables to an integer at `scale`."""
    if text is None:
        return None
    neg = text.startswith("-")
    if neg:
        text = text[1:]
    whole, _, frac = text.partition(".")
    digits = len(str(scale)) - 1
    value = int(whole) * scale + (int(frac.ljust(digits, "0")) if frac else 0)
    return -value if neg else value


def load_exchange(conn):
    ex = Exchange()
    for r in conn.execute(select(S.UserRow)).mappings():
        u = ex.users.get(r["name"]) or User(r["name"], r["role"])
        u.role, u.status = r["role"], r["status"]
        ex.users[u.name] = u
    for name, places in conn.execute(select(S.AssetRow.name, S.AssetRow.precision)):
        ex.assets[name] = places
    for r in conn.execute(select(S.SymbolRow)).mappings():
        s = Symbol(r["name"], r["base"], r["quote"], to_int(r["tick_size"]), to_int(r["qty_step"]),
                   to_int(r["min_qty"]), to_int(r["max_qty"]), to_int(r["daily_limit"]),
                   to_int(r["ref_price"]), to_int(r["maker_fee"]), to_int(r["taker_fee"]))
        s.active, s.sessions, s.open = bool(r["active"]), bool(r["sessions"]), bool(r["open"])
        s.last = to_int(r["last_price"])
        if s.quote in ex.assets:
            s.fee_q = precision_unit(ex.assets[s.quote])
        ex.symbols[s.name] = s
    known = set()
    for user, asset, hold, available in conn.execute(
            select(S.WalletRow.user, S.WalletRow.asset, S.WalletRow.hold, S.WalletRow.available)):
        ex.users[user].wallets[asset] = [to_int(available, _A), to_int(hold, _A)]
        known.add((user, asset))
    _load_orders(conn, ex)
    ex.seq = conn.execute(select(func.max(S.Journal.seq))).scalar() or 0
    ex.trade_seq = conn.execute(select(func.max(S.TradeRow.id))).scalar() or 0
    return ex, known


def _load_orders(conn, ex: Exchange) -> None:
    users, symbols = ex.users, ex.symbols
    T = S.OrderRow
    open_statuses = (QUEUED, ACTIVE, PARTIAL)
    for user, cid, status in conn.execute(select(T.user, T.client_id, T.status).order_by(T.id)):
        users[user].orders[cid] = _STATUS[status]   # open ones are replaced in place below
    resting = []
    rows = conn.execute(select(
        T.id, T.user, T.client_id, T.symbol, T.side, T.type, T.tif, T.stp, T.price, T.stop_price,
        T.qty, T.filled, T.cost, T.status, T.reason, T.hold, T.rank,
    ).where(T.status.in_(open_statuses)).order_by(T.id))
    for (oid, user, cid, sym, side, type_, tif, stp, price, stop, qty, filled, cost, status,
         reason, hold, rank) in rows:
        u, s = users[user], symbols[sym]
        o = Order(oid, u, cid, s, side, type_, tif, stp, to_int(price), to_int(stop), to_int(qty))
        o.filled, o.cost = to_int(filled), to_int(cost, _A)
        o.status, o.reason, o.hold, o.rank = _STATUS[status], reason, to_int(hold, _A), rank
        u.orders[cid] = o
        if status == QUEUED:
            s.stops.append(o)
        else:
            resting.append(o)
    resting.sort(key=lambda o: o.rank)
    for o in resting:
        s = o.sym
        book, key = (s.bids, -o.price) if o.side == "buy" else (s.asks, o.price)
        level = book.get(key)
        if level is None:
            level = book[key] = Level(o.price)
        o.price = level.price
        level.orders.append(o)
        level.count += 1
        level.total += o.qty - o.filled
