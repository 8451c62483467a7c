"""Stored backtests (the bt_runs table): save, list, show, compare and delete. Functions
take an SQLAlchemy Engine (writes) or Connection (reads) and return plain dicts; the
result's full JSON text is kept zlib-compressed and handed back as text."""
import json
import zlib

from sqlalchemy import delete as sql_delete
from sqlalchemy import desc, select

from . import schema as S

B = S.BtRun
SUMMARY = [c for c in B.__table__.columns.keys() if c != "result"]


def save(engine, spec: dict, result_json: str, figures: dict, events: int, *,
         code_version: str, created_ts: int) -> int:
    """Store one run (spec as Spec.describe gives it, its "models" in their own column:
    the runs listing shows them without reading the result); its id."""
    cfg = spec["config"]
    with engine.begin() as conn:
        res = conn.execute(B.__table__.insert().values(
            created_ts=created_ts, config=cfg["name"], version=cfg["version"],
            template=cfg["template"], symbol=cfg["symbol"],
            overrides=json.dumps(spec["overrides"], sort_keys=True), data=spec["data"],
            scenario=spec["scenario"],
            scenario_params=json.dumps(spec["scenario_params"], sort_keys=True),
            start_ts=spec["start"], end_ts=spec["end"], duration_ns=spec["duration_ns"],
            seed=spec["seed"], latency_ns=spec["latency_ns"], code_version=code_version,
            events=events, figures=json.dumps(figures, sort_keys=True),
            result=zlib.compress(result_json.encode(), 6),
            models=json.dumps(spec["models"], sort_keys=True) if spec.get("models") else None))
        return res.inserted_primary_key[0]


def _row(row, with_result: bool) -> dict:
    d = {k: row[k] for k in SUMMARY}
    for k in ("overrides", "scenario_params", "figures"):
        d[k] = json.loads(d[k])
    d["models"] = None if d["models"] is None else json.loads(d["models"])
    if with_result:
        d["result"] = zlib.decompress(row["result"]).decode()
    return d


def runs(conn, config: str | None = None) -> list[dict]:
    """Every stored run (newest first), without its result."""
    q = select(*[B.__table__.c[k] for k in SUMMARY]).order_by(desc(B.id))
    if config is not None:
        q = q.where(B.config == config)
    return [_row(r, False) for r in conn.execute(q).mappings()]


def run(conn, run_id: int, *, with_result: bool = True) -> dict | None:
    row = conn.execute(select(B).where(B.id == run_id)).mappings().first()
    return None if row is None else _row(row, with_result)


def delete(engine, run_id: int) -> bool:
    with engine.begin() as conn:
        return conn.execute(sql_delete(B).where(B.id == run_id)).rowcount > 0


def compare(a: dict, b: dict) -> list[tuple[str, object, object]]:
    """Two runs side by side: what they ran, then every figure either has."""
    rows = [(k, a[k], b[k]) for k in ("config", "version", "data", "scenario", "seed",
                                      "latency_ns", "models", "overrides", "events",
                                      "code_version")]
    keys = sorted(set(a["figures"]) | set(b["figures"]))
    return rows + [(k, a["figures"].get(k), b["figures"].get(k)) for k in keys]
