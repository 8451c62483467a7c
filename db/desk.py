"""The desk's tables: strategy configurations with versions and a life cycle, runs and
their samples, and the rate-limited alert log. Functions take an SQLAlchemy Engine (writes,
each its own transaction) or Connection (reads) and return plain dicts."""
import json

from sqlalchemy import desc, func, select, update

from . import schema as S

STAGES = ("draft", "backtested", "paper", "live", "retired")
RUN_STATES = ("running", "paused", "stopping", "stopped", "killed", "dead")
ACTIVE_RUN_STATES = ("running", "paused", "stopping")

C, R, A, SM, DL = S.MmConfig, S.MmRun, S.AlertRow, S.MmSample, S.DeskLimit


def _config(row) -> dict:
    d = dict(row)
    d["params"] = json.loads(d["params"])
    return d


# ------------------------------------------------------------------ configurations
def save_config(engine, name: str, template: str, symbol: str, user: str,
                params: dict[str, str], ts: int, *, stage: str = "draft", note: str = "") -> int:
    """Write `params` as the next version of `name` (1 when new); returns the version."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; known: {', '.join(STAGES)}")
    with engine.begin() as conn:
        top = conn.execute(select(func.max(C.version)).where(C.name == name)).scalar()
        version = (top or 0) + 1
        conn.execute(C.__table__.insert().values(
            name=name, version=version, template=template, symbol=symbol, user=user,
            params=json.dumps(params, sort_keys=True), stage=stage, created_ts=ts, note=note))
    return version


def config(conn, name: str, version: int | None = None) -> dict | None:
    """A configuration: the given version, else the latest."""
    q = select(C).where(C.name == name)
    q = q.where(C.version == version) if version is not None else q.order_by(desc(C.version))
    row = conn.execute(q.limit(1)).mappings().first()
    return _config(row) if row else None


def configs(conn) -> list[dict]:
    """The latest version of every configuration, by name."""
    latest = select(C.name, func.max(C.version).label("v")).group_by(C.name).subquery()
    q = select(C).join(latest, (C.name == latest.c.name) & (C.version == latest.c.v))
    return [_config(r) for r in conn.execute(q.order_by(C.name)).mappings()]


def versions(conn, name: str) -> list[dict]:
    q = select(C).where(C.name == name).order_by(C.version)
    return [_config(r) for r in conn.execute(q).mappings()]


def set_stage(engine, name: str, version: int, stage: str) -> None:
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}; known: {', '.join(STAGES)}")
    with engine.begin() as conn:
        n = conn.execute(update(C).where((C.name == name) & (C.version == version))
                         .values(stage=stage)).rowcount
    if not n:
        raise KeyError(f"no configuration {name!r} version {version}")


# ------------------------------------------------------------------ runs
def start_run(engine, name: str, version: int, mode: str, ts: int, start_seq: int,
              base_start: str, quote_start: str, pid: int | None = None) -> int:
    with engine.begin() as conn:
        res = conn.execute(R.__table__.insert().values(
            name=name, version=version, mode=mode, state="running", pid=pid, started_ts=ts,
            heartbeat_ts=ts,
            start_seq=start_seq, base_start=base_start, quote_start=quote_start))
        return res.inserted_primary_key[0]


def set_run_state(engine, run_id: int, state: str, *, ts: int | None = None,
                  reason: str | None = None) -> None:
    if state not in RUN_STATES:
        raise ValueError(f"unknown run state {state!r}")
    values = {"state": state}
    if state in ("stopped", "killed", "dead"):
        values.update(stopped_ts=ts, pid=None)
    if reason is not None:
        values["reason"] = reason
    with engine.begin() as conn:
        conn.execute(update(R).where(R.id == run_id).values(**values))


def beat(engine, run_id: int, ts: int) -> None:
    """The runner is alive at `ts` (ns): its heartbeat."""
    with engine.begin() as conn:
        conn.execute(update(R).where(R.id == run_id).values(heartbeat_ts=ts))


def mark_dead(engine, run_id: int, ts: int, reason: str) -> bool:
    """Mark an active run dead; False when it was no longer active (another watcher, or
    the runner itself, got there first), so only one caller cancels and alerts."""
    with engine.begin() as conn:
        n = conn.execute(update(R).where((R.id == run_id) & R.state.in_(ACTIVE_RUN_STATES))
                         .values(state="dead", stopped_ts=ts, pid=None, reason=reason)).rowcount
    return n == 1


def active_runs(conn) -> list[dict]:
    q = select(R).where(R.state.in_(ACTIVE_RUN_STATES)).order_by(R.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def set_run_version(engine, run_id: int, version: int) -> None:
    """The configuration version a run now trades (after a live reload)."""
    with engine.begin() as conn:
        conn.execute(update(R).where(R.id == run_id).values(version=version))


def run(conn, run_id: int) -> dict | None:
    row = conn.execute(select(R).where(R.id == run_id)).mappings().first()
    return dict(row) if row else None


def runs(conn, name: str | None = None, limit: int | None = None) -> list[dict]:
    q = select(R).order_by(desc(R.id))
    if name is not None:
        q = q.where(R.name == name)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def active_run(conn, name: str) -> dict | None:
    q = (select(R).where((R.name == name) & R.state.in_(ACTIVE_RUN_STATES))
         .order_by(desc(R.id)).limit(1))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def add_samples(engine, run_id: int, rows: list[tuple[int, str, str, str | None]]) -> None:
    """(ts, inventory, equity, mid) rows for one run."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(SM.__table__.insert(), [
            {"run": run_id, "ts": ts, "inventory": inv, "equity": eq, "mid": mid}
            for ts, inv, eq, mid in rows])


def add_mids(engine, run_id: int, rows: list[tuple[int, str]]) -> None:
    """(ts, mid) changes of the market's mid for one run."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(S.MmMid.__table__.insert(), [
            {"run": run_id, "ts": ts, "mid": mid} for ts, mid in rows])


def add_fills(engine, run_id: int, rows: list[dict]) -> None:
    """A remote run's own fills (db.schema.MmFill columns but id and run)."""
    if not rows:
        return
    with engine.begin() as conn:
        conn.execute(S.MmFill.__table__.insert(), [{"run": run_id, **r} for r in rows])


def fills(conn, run_id: int) -> list[dict]:
    """A remote run's own fills, oldest first."""
    q = select(S.MmFill).where(S.MmFill.run == run_id).order_by(S.MmFill.ts, S.MmFill.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def mids(conn, run_id: int) -> list[dict]:
    q = select(S.MmMid).where(S.MmMid.run == run_id).order_by(S.MmMid.ts, S.MmMid.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def samples(conn, run_id: int) -> list[dict]:
    q = select(SM).where(SM.run == run_id).order_by(SM.ts, SM.id)
    return [dict(r) for r in conn.execute(q).mappings()]


# ------------------------------------------------------------------ alerts
def log_alert(engine, ts: int, source: str, severity: str, kind: str, text: str,
              window_ns: int = 60_000_000_000) -> bool:
    """Record an alert. The same source, kind and severity again within `window_ns` of the
    open row's last sighting counts as a repeat on that row (rate-limited, not lost).
    Returns True when a new row was written: the caller notifies only then."""
    with engine.begin() as conn:
        row = conn.execute(
            select(A.id, A.last_ts).where((A.source == source) & (A.kind == kind)
                                          & (A.severity == severity))
            .order_by(desc(A.id)).limit(1)).first()
        if row is not None and ts - row.last_ts < window_ns:
            conn.execute(update(A).where(A.id == row.id)
                         .values(repeats=A.repeats + 1, last_ts=ts, text=text))
            return False
        conn.execute(A.__table__.insert().values(ts=ts, last_ts=ts, source=source,
                                                 severity=severity, kind=kind, text=text))
        return True


def alerts_after(conn, after_id: int) -> list[dict]:
    """Alert rows written after row `after_id`, oldest first (repeats bump old rows)."""
    q = select(A).where(A.id > after_id).order_by(A.id)
    return [dict(r) for r in conn.execute(q).mappings()]


def alerts(conn, *, source: str | None = None, limit: int | None = 100) -> list[dict]:
    q = select(A).order_by(desc(A.id))
    if source is not None:
        q = q.where(A.source == source)
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


# ------------------------------------------------------------------ desk-wide limits
def set_desk_limit(engine, asset: str, max_inventory: str | None) -> None:
    """Set (or with None remove) the desk's net inventory limit in `asset`."""
    with engine.begin() as conn:
        conn.execute(DL.__table__.delete().where(DL.asset == asset))
        if max_inventory is not None:
            conn.execute(DL.__table__.insert().values(asset=asset, max_inventory=max_inventory))


def desk_limits(conn) -> dict[str, str]:
    return {r.asset: r.max_inventory for r in conn.execute(select(DL).order_by(DL.asset))}


def active_inventories(conn) -> list[dict]:
    """Every active run with its symbol and its latest sampled inventory (text)."""
    latest = (select(SM.run, func.max(SM.id).label("sid")).group_by(SM.run).subquery())
    q = (select(R.id, R.name, C.symbol, SM.inventory)
         .join(C, (C.name == R.name) & (C.version == R.version))
         .join(latest, latest.c.run == R.id, isouter=True)
         .join(SM, SM.id == latest.c.sid, isouter=True)
         .where(R.state.in_(ACTIVE_RUN_STATES)).order_by(R.id))
    return [{"run": r.id, "name": r.name, "symbol": r.symbol, "inventory": r.inventory}
            for r in conn.execute(q)]
