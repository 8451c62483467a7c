"""`souq check`: every invariant of a stored exchange, each violation named.

The in-memory invariants (engine.invariants) run on the state rebuilt from the tables;
then the ledger is summed from its rows and the journal is replayed from scratch, and
both must agree with what is stored.
"""
import orjson
from sqlalchemy import func, select

from engine.exchange import Exchange
from engine.invariants import check_exchange, wallet_totals
from engine.model import AVAIL, HELD, WORLD, Order
from engine.numbers import fmt_amount
from engine.stream import parse_command

from . import schema as S
from .load import _A, to_int
from .store import ORDER_COLS, TRADE_COLS, order_row, trade_row

BUCKETS = {"available": AVAIL, "held": HELD}


def check_database(store, on_progress=None) -> list[str]:
    problems = [f"state: {p}" for p in check_exchange(store.ex)]
    with store.engine.connect() as conn:
        problems += _check_ledger(conn)
        problems += _check_replay(conn, store.ex, on_progress)
    return problems


def _check_ledger(conn) -> list[str]:
    """Sum every ledger row per account bucket: it must give the wallets table."""
    sums: dict[tuple[str, str], list[int]] = {}
    external: dict[str, int] = {}
    L = S.LedgerRow
    for asset, fu, fb, tu, tb, amount, kind in conn.execute(select(
            L.asset, L.from_user, L.from_bucket, L.to_user, L.to_bucket, L.amount, L.kind)):
        a = to_int(amount, _A)
        sums.setdefault((fu, asset), [0, 0])[BUCKETS[fb]] -= a
        sums.setdefault((tu, asset), [0, 0])[BUCKETS[tb]] += a
        if kind == "deposit":
            external[asset] = external.get(asset, 0) + a
        elif kind == "withdraw":
            external[asset] = external.get(asset, 0) - a
    problems = []
    W = S.WalletRow
    stored = {(u, a): (to_int(b, _A), to_int(h, _A), to_int(av, _A)) for u, a, b, h, av in
              conn.execute(select(W.user, W.asset, W.balance, W.hold, W.available))}
    for key in sorted(set(sums) | set(stored)):
        avail, held = sums.get(key, (0, 0))
        balance, hold, available = stored.get(key, (0, 0, 0))
        if (balance, hold, available) != (avail + held, held, avail):
            problems.append(f"ledger: {key[0]} {key[1]} sums to balance {fmt_amount(avail + held)} "
                            f"hold {fmt_amount(held)}, wallets table says {fmt_amount(balance)} / "
                            f"{fmt_amount(hold)} / available {fmt_amount(available)}")
        if balance != hold + available:
            problems.append(f"wallets: {key[0]} {key[1]} balance is not hold + available")
    per_asset: dict[str, int] = {}
    for (user, asset), (avail, held) in sums.items():
        if user != WORLD:
            per_asset[asset] = per_asset.get(asset, 0) + avail + held
    for asset in sorted(set(per_asset) | set(external)):
        if per_asset.get(asset, 0) != external.get(asset, 0):
            problems.append(f"ledger: {asset} accounts hold {fmt_amount(per_asset.get(asset, 0))} "
                            f"but deposits minus withdrawals are {fmt_amount(external.get(asset, 0))}")
    return problems


def _check_replay(conn, stored_ex, on_progress) -> list[str]:
    """Replay the whole journal into a fresh engine and compare with the stored state."""
    ex = Exchange()
    J = S.Journal
    final_orders: dict[int, Order] = {}
    n_trades = 0
    problems = []
    TT = S.TradeRow.__table__
    stored_trade_rows = iter(conn.execute(select(*[TT.c[c] for c in TRADE_COLS])
                                          .order_by(TT.c.id)).yield_per(10_000))

    differ = [0]

    def compare_trades(trades):
        for t in trades:
            want = trade_row(t)
            got = next(stored_trade_rows, None)
            if got is None or tuple(got) != want:
                differ[0] += 1
                if differ[0] <= 5:   # one lost row shifts all after it: name the first few
                    problems.append(f"replay: trade {want[0]} replays as {want}, stored "
                                    f"{None if got is None else tuple(got)}")
    for seq, ts, actor, body, status in conn.execute(
            select(J.seq, J.ts, J.actor, J.body, J.status).order_by(J.seq)).yield_per(10_000):
        reason = ex.apply(parse_command(orjson.loads(body), extended=True), ts, actor)
        if ex.seq != seq:
            problems.append(f"journal: sequence jumps from {ex.seq - 1} to {seq}")
            ex.seq = seq
        if (reason is None) != (status == "accepted"):
            problems.append(f"journal: seq {seq} stored as {status} but replays as "
                            f"{'accepted' if reason is None else 'rejected: ' + reason}")
        if len(ex.out_moves) > 50_000 or ex.out_trades:
            orders, trades = ex.drain()[:2]
            final_orders.update(orders)
            n_trades += len(trades)
            compare_trades(trades)
        if on_progress:
            on_progress(1)
    orders, trades = ex.drain()[:2]
    final_orders.update(orders)
    n_trades += len(trades)
    compare_trades(trades)
    if differ[0] > 5:
        problems.append(f"replay: {differ[0]} trades differ from the trades table")
    if wallet_totals(ex) != wallet_totals(stored_ex):
        mine, theirs = wallet_totals(ex), wallet_totals(stored_ex)
        for key in sorted(set(mine) | set(theirs)):
            if mine.get(key, (0, 0)) != theirs.get(key, (0, 0)):
                a, b = mine.get(key, (0, 0)), theirs.get(key, (0, 0))
                problems.append(f"replay: {key[0]} {key[1]} replays to balance {fmt_amount(a[0])} "
                                f"hold {fmt_amount(a[1])}, stored {fmt_amount(b[0])} / {fmt_amount(b[1])}")
    OT = S.OrderRow.__table__
    at = {name: i for i, name in enumerate(ORDER_COLS)}
    stored_orders = {r[0]: tuple(r) for r in
                     conn.execute(select(*[OT.c[c] for c in ORDER_COLS[:-1]]))}
    for oid, o in final_orders.items():
        row = stored_orders.pop(oid, None)
        got = None if row is None else (row[at["status"]], to_int(row[at["filled"]]),
                                        to_int(row[at["hold"]], _A))
        if got != (o.status, o.filled, o.hold):
            problems.append(f"replay: order {oid} replays as {o.status} filled {o.filled} "
                            f"hold {o.hold}, stored {got}")
            continue
        want = order_row(o, 0)
        if row != want[:-1]:   # every other column too
            diff = [f"{k} {w!r} stored {g!r}" for k, w, g in zip(ORDER_COLS, want, row) if w != g]
            problems.append(f"replay: order {oid} replays with {', '.join(diff)}")
    for oid in stored_orders:
        problems.append(f"replay: order {oid} is stored but the journal never placed it")
    stored_trades = conn.execute(select(func.count()).select_from(S.TradeRow)).scalar_one()
    if stored_trades != n_trades:
        problems.append(f"replay: journal gives {n_trades} trades, trades table holds {stored_trades}")
    if ex.assets != stored_ex.assets:
        problems.append(f"replay: asset precisions replay as {ex.assets}, stored {stored_ex.assets}")
    for name, s in ex.symbols.items():
        t = stored_ex.symbols.get(name)
        if t is None or (s.last, s.open, s.active, s.ref, s.maker, s.taker) != (
                t.last, t.open, t.active, t.ref, t.maker, t.taker):
            problems.append(f"replay: symbol {name} state differs from the stored one")
    return problems[:200]
