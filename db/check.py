"""`souq check`: every invariant of a stored exchange, each violation named.

Everything is read in ONE read transaction (one snapshot of the database), so writers
committing meanwhile are simply not seen: a healthy exchange under load checks clean.
In it: the state is rebuilt from the tables and the in-memory invariants (engine.invariants)
run on it; the ledger is summed from its rows; the journal is replayed and must agree with
what is stored. A full check replays from scratch and, when clean, records a check point;
`since=SEQ` starts from the check point at SEQ and checks only what came after it.
"""
import time
from dataclasses import dataclass, field

import orjson
from sqlalchemy import func, select

from souq.engine.exchange import Exchange
from souq.engine.events import LedgerMoved
from souq.engine.invariants import check_exchange, wallet_totals
from souq.engine.model import AVAIL, HELD, WORLD, Order
from souq.engine.numbers import fmt_amount
from souq.engine.stream import parse_command

from . import checkpoint
from . import schema as S
from .load import _A, ClientIds, load_exchange, to_int
from .sql import Bulk
from .projection import Changes, order_row, trade_row
from .store import ORDER_COLS, TRADE_COLS

BUCKETS = {"available": AVAIL, "held": HELD}
CHUNK = 2_000   # journal entries parsed, seeded with client ids and applied together


class NoCheckPoint(ValueError):
    """`since` names a sequence with no recorded clean check."""


@dataclass
class CheckReport:
    problems: list[str] = field(default_factory=list)
    since: int = 0            # replay started after this seq (0: from scratch)
    seq: int = 0              # the journal position checked up to (the snapshot's)
    replayed: int = 0         # journal entries replayed
    recorded: bool = False    # a check point was stored at `seq`


def check_database(store, on_progress=None) -> list[str]:
    """The violations in the database of `store` (empty when sound); a full check."""
    return run_check(store.engine, on_progress=on_progress).problems


def run_check(engine, *, since: int | None = None, on_start=None, on_progress=None,
              record: bool = True) -> CheckReport:
    """Check the database behind `engine` from one snapshot. `since`: start from the check
    point recorded at that seq (NoCheckPoint when there is none). `on_start(n)` gets the
    number of journal entries to replay, `on_progress(k)` each k replayed. A clean check
    records a check point at the journal position it read (when `record`)."""
    report = CheckReport(since=since or 0)
    with _snapshot(engine) as conn:
        base, external = None, {}
        if since:
            blob = checkpoint.find(conn, since)
            if blob is None:
                have = checkpoint.recorded(conn)
                raise NoCheckPoint(
                    f"no clean check was recorded at seq {since}; "
                    + (f"recorded: {', '.join(map(str, have))}" if have else "none is recorded")
                    + " (a full `souq check` records one)")
            base, external = checkpoint.load(blob)
        stored_ex, _ = load_exchange(conn)
        report.seq = stored_ex.seq
        if on_start:
            on_start(report.seq - report.since)
        report.problems += [f"state: {p}" for p in check_exchange(stored_ex)]
        report.problems += _check_ledger(conn, base, external)
        replayed = _Replay(conn, engine, base, report.since, report.seq)
        report.problems += replayed.run(stored_ex, on_progress)
        report.replayed = replayed.count
    report.problems = report.problems[:200]
    if record and not report.problems and report.seq > report.since:
        checkpoint.record(engine, replayed.ex, replayed.external(external), time.time_ns())
        report.recorded = True
    return report


class _snapshot:
    """A connection inside one read transaction: SQLite's driver would otherwise give each
    SELECT its own snapshot; elsewhere REPEATABLE READ gives one for the transaction."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def __enter__(self):
        if self.engine.dialect.name == "sqlite":
            self.conn = self.engine.connect()
            self.conn.connection.dbapi_connection.cursor().execute("BEGIN")
        else:
            self.conn = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
            self.conn.begin()
        return self.conn

    def __exit__(self, *exc):
        try:
            self.conn.connection.dbapi_connection.rollback()
        finally:
            self.conn.close()


def _check_ledger(conn, base: Exchange | None, external: dict[str, int]) -> list[str]:
    """Sum the ledger rows per account bucket (on top of the check point's wallets, when
    there is one): it must give the wallets table."""
    sums: dict[tuple[str, str], list[int]] = {}
    external = dict(external)
    if base is not None:
        for u in base.users.values():
            for asset, (avail, held) in u.wallets.items():
                sums[(u.name, asset)] = [avail, held]
    L = S.LedgerRow
    q = select(L.asset, L.from_user, L.from_bucket, L.to_user, L.to_bucket, L.amount, L.kind)
    if base is not None:
        q = q.where(L.seq > base.seq)
    for asset, fu, fb, tu, tb, amount, kind in conn.execute(q).yield_per(10_000):
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


class _Replay:
    """Replay the journal after `since` into `base` (a fresh engine when None) and compare
    trades, orders, wallets and symbols with what is stored."""

    def __init__(self, conn, engine, base: Exchange | None, since: int, upto: int) -> None:
        self.conn, self.since, self.upto = conn, since, upto   # upto: the projections' point
        self.ex = base if base is not None else Exchange()
        self.bulk = Bulk(engine.dialect)
        self.count = 0
        self.deposits: dict[str, int] = {}
        self.problems: list[str] = []
        self.differ = 0

    def external(self, before: dict[str, int]) -> dict[str, int]:
        """Deposits minus withdrawals per asset, up to the replayed seq."""
        out = dict(before)
        for asset, amount in self.deposits.items():
            out[asset] = out.get(asset, 0) + amount
        return out

    def run(self, stored_ex, on_progress) -> list[str]:
        conn, ex, J = self.conn, self.ex, S.Journal
        start_trade = ex.trade_seq
        TT = S.TradeRow.__table__
        self.stored_trades = iter(conn.execute(
            select(*[TT.c[c] for c in TRADE_COLS]).where(TT.c.id > start_trade)
            .order_by(TT.c.id)).yield_per(10_000))
        final_orders: dict[int, Order] = {}
        n_trades = 0
        seeds = ClientIds(self.bulk) if self.since else None
        cur = conn.connection.dbapi_connection.cursor()
        rows = conn.execute(select(J.seq, J.ts, J.actor, J.body, J.status)
                            .where(J.seq > self.since, J.seq <= self.upto)
                            .order_by(J.seq)).yield_per(CHUNK)
        for part in rows.partitions(CHUNK):
            cmds = [parse_command(orjson.loads(r[3]), extended=True) for r in part]
            if seeds is not None:
                seeds.seed(cur, ex, cmds)
            for (seq, ts, actor, _, status), cmd in zip(part, cmds):
                out = ex.apply(cmd, ts, actor)
                reason = out.reason
                if ex.seq != seq:
                    self.problems.append(f"journal: sequence jumps from {ex.seq - 1} to {seq}")
                    ex.seq = seq
                if (reason is None) != (status == "accepted"):
                    self.problems.append(
                        f"journal: seq {seq} stored as {status} but replays as "
                        f"{'accepted' if reason is None else 'rejected: ' + reason}")
                n_trades += self._take(out, final_orders)
            self.count += len(part)
            if on_progress:
                on_progress(len(part))
        problems = self.problems
        if self.differ > 5:
            problems.append(f"replay: {self.differ} trades differ from the trades table")
        problems += _compare_wallets(ex, stored_ex)
        if ex.assets != stored_ex.assets:
            problems.append(f"replay: asset precisions replay as {ex.assets}, stored {stored_ex.assets}")
        problems += self._compare_orders(final_orders)
        stored_trades = conn.execute(select(func.count()).select_from(S.TradeRow)
                                     .where(S.TradeRow.id > start_trade)).scalar_one()
        if stored_trades != n_trades:
            problems.append(f"replay: journal gives {n_trades} trades, trades table holds "
                            f"{stored_trades}" + (f" after trade {start_trade}" if start_trade else ""))
        for name, s in ex.symbols.items():
            t = stored_ex.symbols.get(name)
            if t is None or (s.last, s.open, s.active, s.spec) != (
                    t.last, t.open, t.active, t.spec):
                problems.append(f"replay: symbol {name} state differs from the stored one")
        return problems

    def _take(self, outcome, final_orders: dict) -> int:
        """Fold one replayed command's changes in: the orders it touched, deposits and
        withdrawals per asset, its trades compared with the stored ones. Its trade count."""
        ch = Changes.of((outcome,))
        final_orders.update(ch.orders)
        for m in ch.moves:
            if type(m) is LedgerMoved and m.kind in ("deposit", "withdraw"):
                sign = 1 if m.kind == "deposit" else -1
                self.deposits[m.asset] = self.deposits.get(m.asset, 0) + sign * m.amount
        for t in ch.trades:
            want = trade_row(t)
            got = next(self.stored_trades, None)
            if got is None or tuple(got) != want:
                self.differ += 1
                if self.differ <= 5:   # one lost row shifts all after it: name the first few
                    self.problems.append(f"replay: trade {want[0]} replays as {want}, stored "
                                         f"{None if got is None else tuple(got)}")
        return len(ch.trades)

    def _compare_orders(self, final_orders: dict[int, Order]) -> list[str]:
        problems = []
        OT = S.OrderRow.__table__
        at = {name: i for i, name in enumerate(ORDER_COLS)}
        q = select(*[OT.c[c] for c in ORDER_COLS[:-1]])
        if self.since:   # what changed after the check point
            q = q.where((OT.c.updated_seq > self.since) | (OT.c.id > self.since))
        stored_orders = {r[0]: tuple(r) for r in self.conn.execute(q)}
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
            problems.append(f"replay: order {oid} is stored but the journal never placed it"
                            if not self.since or oid > self.since else
                            f"replay: order {oid} changed after seq {self.since} but the "
                            "journal does not change it")
        return problems


def _compare_wallets(ex, stored_ex) -> list[str]:
    mine, theirs = wallet_totals(ex), wallet_totals(stored_ex)
    problems = []
    if mine != theirs:
        for key in sorted(set(mine) | set(theirs)):
            a, b = mine.get(key, (0, 0)), theirs.get(key, (0, 0))
            if a != b:
                problems.append(f"replay: {key[0]} {key[1]} replays to balance {fmt_amount(a[0])} "
                                f"hold {fmt_amount(a[1])}, stored {fmt_amount(b[0])} / {fmt_amount(b[1])}")
    return problems
