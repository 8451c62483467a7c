"""Surveillance on the database: the journal read in batches with its trades, the
follower's cursor, alerts and cases, and the admin's case decisions.

A case decision is an `audit` journal entry (who: the journal's actor; why: its note)
committed together with its effects (a suspension, a cancel-all) and with the case rows
that project it, in one transaction under the exchange's write lock."""
import re

import orjson
from sqlalchemy import bindparam, inspect, literal_column, select, update

from . import schema as S
from .api import Api
from .projected import mark_of, point
from .sql import Bulk

OPEN, REVIEW, DISMISSED, CONFIRMED, RELEASED = (
    "open", "under_review", "dismissed", "confirmed", "released")
STATUSES = (OPEN, REVIEW, DISMISSED, CONFIRMED, RELEASED)
ACTIONS = {   # action -> (states it may start from, state it leaves)
    "review": ((OPEN,), REVIEW),
    "dismiss": ((OPEN, REVIEW), DISMISSED),
    "confirm": ((OPEN, REVIEW), CONFIRMED),
    "release": ((CONFIRMED,), RELEASED),
}
LIVE = (OPEN, REVIEW)             # a new alert on the same subject extends these
SURVEILLANCE = "@surveillance"    # who opens and extends cases in their history
GATEWAY_AUDIT = "gateway_audit"   # the gateway's login log, read when it exists


class CaseError(ValueError):
    """A case action that is not allowed: unknown case, wrong state, missing note."""


# ------------------------------------------------------------------ reading the journal
def journal_batch(conn, after: int, upto: int | None, limit: int) -> tuple[list[tuple], dict]:
    """Journal entries after `after` (up to `upto`), oldest first, at most `limit`, as
    tuples (seq, ts, actor, op, body JSON text, status, reason, events parsed), and the
    trades they made by id, as tuples (id, symbol, price, qty, maker_order, taker_order,
    maker_user, taker_user, taker_side) with price and qty decimal text. Each row's events
    are parsed once, here: the reader needs them and they name the trades to fetch. A row
    whose events hold no trade and no order that ended (most: an order placed and resting)
    gets () without parsing: nothing in them concerns surveillance.

    The follower's hot path: the statements are compiled once per dialect (db.sql.Bulk)
    and run on the raw DBAPI cursor, rows kept as the driver's tuples (Core's Row objects
    were most of the read's cost)."""
    J = S.Journal
    cols = (J.seq, J.ts, J.actor, J.op, J.body, J.status, J.reason, J.events)
    # a batch size is one of a few: compiled in (with OFFSET 0, or SQLite binds one)
    n, zero = literal_column(str(int(limit))), literal_column("0")
    if upto is None:
        rows = _raw(conn, ("journal_batch", limit), lambda: select(*cols).where(
            J.seq > bindparam("after")).order_by(J.seq).limit(n).offset(zero), ("after",), (after,))
    else:
        rows = _raw(conn, ("journal_batch_upto", limit), lambda: select(*cols).where(
            J.seq > bindparam("after"), J.seq <= bindparam("upto")).order_by(J.seq).limit(n).offset(
            zero), ("after", "upto"), (after, upto))
    # read after the journal rows (the mark only moves on): entries past the projections'
    # point (a deferring writer's window, db/projected.py) have no trade rows yet; they
    # come in a later batch
    mark = mark_of(conn)
    if mark is not None and rows and rows[-1][0] > mark:
        rows = [r for r in rows if r[0] <= mark]
    loads = orjson.loads
    rows = [(seq, ts, actor, op, body, status, reason,
             loads(events) if _NOTABLE.search(events) else ())
            for seq, ts, actor, op, body, status, reason, events in rows]
    tids = [ev[1] for r in rows for ev in r[7] if ev[0] == "trade"]
    trades = {}
    if tids:
        T = S.TradeRow.__table__.c
        for t in _raw(conn, "journal_batch_trades", lambda: select(
                T.id, T.symbol, T.price, T.qty, T.maker_order, T.taker_order, T.maker_user,
                T.taker_user, T.taker_side).where(T.id >= bindparam("lo"), T.id <= bindparam("hi")),
                ("lo", "hi"), (min(tids), max(tids))):
            trades[t[0]] = t
    return rows, trades


# a trade, or an order's final status (filled, cancelled, expired, rejected)
_NOTABLE = re.compile(r'"(?:trade|filled|cancelled|expired|rejected)"')
_BULK: dict = {}     # dialect name -> Bulk: the read statements compiled for it


def _raw(conn, key, build, names: tuple[str, ...], values: tuple) -> list[tuple]:
    """Run a SELECT (compiled once per dialect) on `conn`'s DBAPI connection: its rows."""
    bulk = _BULK.get(conn.dialect.name)
    if bulk is None:
        bulk = _BULK[conn.dialect.name] = Bulk(conn.dialect)
    sql, order, keys = bulk.statement(key, build, names)
    if keys is not None:
        params = dict(zip(keys, values))
    else:
        params = values if order is None else tuple(values[i] for i in order)
    cur = conn.connection.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall()
    finally:
        cur.close()


def last_seq(conn) -> int:
    """The last journal seq whose projections are written (db/projected.py)."""
    return point(conn)


def audits_before(conn, seq: int, actions: tuple[str, ...]) -> list[tuple[str, str]]:
    """Accepted audit entries with these actions at or before `seq`: (action, subject)."""
    J = S.Journal
    out = []
    for body in conn.execute(select(J.body).where(J.op == "audit", J.status == "accepted",
                                                  J.seq <= seq).order_by(J.seq)).scalars():
        obj = orjson.loads(body)
        if obj["action"] in actions:
            out.append((obj["action"], obj["subject"]))
    return out


def gateway_logins(conn, after_id: int, limit: int = 10_000) -> list[dict]:
    """Login attempts from the gateway's audit log, when that table exists: rows with id,
    ts (ns), client, address, ok (bool) and user. Empty when there is no gateway."""
    if not inspect(conn).has_table(GATEWAY_AUDIT):
        return []
    rows = conn.exec_driver_sql(
        f"SELECT id, ts, client, address, ok, user FROM {GATEWAY_AUDIT} "
        f"WHERE id > {int(after_id)} ORDER BY id LIMIT {int(limit)}").mappings()
    return [dict(r) for r in rows]


# ------------------------------------------------------------------ the follower's writes
def load_cursor(conn, name: str) -> dict | None:
    r = conn.execute(select(S.SurvCursor).where(S.SurvCursor.name == name)).mappings().first()
    return dict(r) if r else None


def save_progress(engine, name: str, seq: int, login_id: int, alerts: list[dict], ts: int,
                  state: bytes | None = None, state_seq: int | None = None) -> list[int]:
    """One transaction: the alerts (opening or extending cases), the cursor and, when
    given, a state checkpoint as of entry `state_seq`. Returns the ids of the cases the
    alerts opened or extended, in order."""
    with engine.begin() as conn:
        touched = [record_alert(conn, a, ts) for a in alerts]
        C = S.SurvCursor
        values = {"seq": seq, "login_id": login_id, "ts": ts}
        if state is not None:
            values.update(state=state, state_seq=state_seq)
        if not conn.execute(update(C).where(C.name == name).values(**values)).rowcount:
            conn.execute(C.__table__.insert().values(name=name, **values))
    return touched


def record_alert(conn, a: dict, ts: int) -> int:
    """Store an alert, extending the subject's live case or opening a new one."""
    C, A, E = S.SurvCase, S.SurvAlert, S.SurvCaseEvent
    subject = f"{a['rule']}|{','.join(a['users'])}|{a['symbol'] or ''}"
    case = conn.execute(select(C.id, C.severity).where(C.subject == subject, C.status.in_(LIVE))
                        .order_by(C.id.desc())).first()
    if case is None:
        cid = conn.execute(C.__table__.insert().values(
            rule=a["rule"], subject=subject, users=orjson.dumps(a["users"]).decode(),
            symbol=a["symbol"], severity=a["severity"], status=OPEN, opened_ts=a["last_ts"],
            updated_ts=a["last_ts"], first_seq=a["first_seq"], last_seq=a["last_seq"],
            alerts=1, suspended="[]", note="")).inserted_primary_key[0]
        action = "open"
    else:
        cid = case[0]
        severity = "critical" if "critical" in (case[1], a["severity"]) else a["severity"]
        conn.execute(update(C).where(C.id == cid).values(
            alerts=C.alerts + 1, last_seq=a["last_seq"], updated_ts=a["last_ts"],
            severity=severity))
        action = "extend"
    conn.execute(A.__table__.insert().values(
        case_id=cid, rule=a["rule"], severity=a["severity"], users=orjson.dumps(a["users"]).decode(),
        symbol=a["symbol"], first_seq=a["first_seq"], last_seq=a["last_seq"],
        first_ts=a["first_ts"], last_ts=a["last_ts"], text=a["text"],
        orders=orjson.dumps(a["orders"]).decode(), trades=orjson.dumps(a["trades"]).decode(),
        logins=orjson.dumps(a["logins"]).decode(), scores=orjson.dumps(a["scores"]).decode()))
    conn.execute(E.__table__.insert().values(case_id=cid, seq=a["last_seq"], ts=a["last_ts"],
                                             actor=SURVEILLANCE, action=action, note=a["text"]))
    return cid


# ------------------------------------------------------------------ reading cases
def cases(conn, *, status: str | None = None, user: str | None = None) -> list[dict]:
    C = S.SurvCase
    q = select(C).order_by(C.id)
    if status is not None:
        q = q.where(C.status == status)
    out = []
    for r in conn.execute(q).mappings():
        d = _case_dict(r)
        if user is None or user in d["users"]:
            out.append(d)
    return out


def case(conn, case_id: int) -> dict | None:
    C = S.SurvCase
    r = conn.execute(select(C).where(C.id == case_id)).mappings().first()
    if r is None:
        return None
    d = _case_dict(r)
    A, E = S.SurvAlert, S.SurvCaseEvent
    d["alert_list"] = [dict(a, users=orjson.loads(a["users"]), orders=orjson.loads(a["orders"]),
                            trades=orjson.loads(a["trades"]), logins=orjson.loads(a["logins"]),
                            scores=orjson.loads(a["scores"]))
                       for a in conn.execute(select(A).where(A.case_id == case_id).order_by(A.id)).mappings()]
    d["history"] = [dict(e) for e in conn.execute(
        select(E).where(E.case_id == case_id).order_by(E.id)).mappings()]
    return d


def case_orders(conn, d: dict) -> tuple[list[dict], list[dict]]:
    """The orders and trades a case's alerts name, as stored rows."""
    oids = sorted({o for a in d["alert_list"] for o in a["orders"]})
    tids = sorted({t for a in d["alert_list"] for t in a["trades"]})
    O, T = S.OrderRow, S.TradeRow
    orders = [dict(r) for r in conn.execute(select(O).where(O.id.in_(oids)).order_by(O.id)).mappings()] if oids else []
    trades = [dict(r) for r in conn.execute(select(T).where(T.id.in_(tids)).order_by(T.id)).mappings()] if tids else []
    return orders, trades


def _case_dict(r) -> dict:
    d = dict(r)
    d["users"] = orjson.loads(d["users"])
    d["suspended"] = orjson.loads(d["suspended"])
    return d


# ------------------------------------------------------------------ the admin's decisions
def act(api: Api, case_id: int, action: str, note: str, *, suspend: bool = False,
        cancel: bool = False) -> dict:
    """Review, dismiss, confirm or release a case as the api's actor (an admin), with a
    note saying why. Confirm with `suspend` suspends the case's users (and with `cancel`
    cancels their orders); release reinstates the users its confirm suspended. Everything
    is one transaction with the audit entry. Raises AccessDenied or CaseError; on error
    nothing changes."""
    api.require_admin("act on surveillance cases")
    if action not in ACTIONS:
        raise CaseError(f"unknown case action {action!r}; use {', '.join(ACTIONS)}")
    note = (note or "").strip()
    if not note:
        raise CaseError(f"{action} needs --note saying why")
    if (suspend or cancel) and action != "confirm":
        raise CaseError("--suspend and --cancel go with confirm only")
    current = api.read(case, case_id)
    if current is None:
        raise CaseError(f"unknown case {case_id}")
    _allowed(case_id, action, current["status"])
    targets = current["users"] if (suspend or cancel) else []
    if action == "release":
        targets = current["suspended"]
    cmds = [{"op": "audit", "action": f"case_{action}", "subject": f"case {case_id}", "note": note}]
    status = "active" if action == "release" else "suspended"
    cmds += [{"op": "user_status", "user": u, "status": status} for u in targets]
    if cancel:
        cmds += [{"op": "cancel_all", "user": u} for u in targets]

    def within(cur, bulk, result):
        bad = [o.reason for o in result.outcomes if o.reason is not None]
        if bad:
            raise CaseError(f"{action} of case {case_id} rejected: {bad[0]}")
        C = S.SurvCase.__table__
        Bulk.run(cur, bulk.statement("surv_status", lambda: select(C.c.status).where(
            C.c.id == bindparam("id")), ("id",)), [(case_id,)])
        _allowed(case_id, action, cur.fetchone()[0])    # again, under the write lock
        seq, ts = result.outcomes[0].seq, api.store.ex.ts
        values = {"status": ACTIONS[action][1], "updated_ts": ts, "note": note}
        if action == "confirm":
            values["suspended"] = orjson.dumps(targets).decode()
        Bulk.run(cur, bulk.statement(("surv_act", tuple(values)), lambda: C.update().where(
            C.c.id == bindparam("k_id")).values({k: bindparam(k) for k in values}),
            tuple(values) + ("k_id",)), [tuple(values.values()) + (case_id,)])
        E = S.SurvCaseEvent.__table__
        Bulk.run(cur, bulk.insert(E, ("case_id", "seq", "ts", "actor", "action", "note")),
                 [(case_id, seq, ts, api.actor, action, note)])

    api.execute_many(cmds, within=within)
    return api.read(case, case_id)


def _allowed(case_id: int, action: str, status: str) -> None:
    starts, _ = ACTIONS[action]
    if status not in starts:
        raise CaseError(f"case {case_id} is {status.replace('_', ' ')}; {action} needs it "
                        f"{' or '.join(s.replace('_', ' ') for s in starts)}")
