"""Stored parameter searches (the opt_runs table): save and read back. Functions take an
SQLAlchemy Engine (writes) or Connection (reads) and return plain dicts."""
import json

from sqlalchemy import desc, select

from . import schema as S

O = S.OptRun
JSON = ("grid", "best", "results", "models")


def save(engine, *, config: dict, objective: str, grid: list[str], random: int | None,
         data: str | None, scenario: str | None, seed: int, duration_ns: int | None,
         folds: int, best: dict, results: dict, code_version: str, created_ts: int,
         saved_version: int | None = None, models: dict | None = None) -> int:
    """Store one search; its id. `models`: the backtest models every evaluation used
    (mm.backtest.models.record)."""
    with engine.begin() as conn:
        res = conn.execute(O.__table__.insert().values(
            created_ts=created_ts, config=config["name"], version=config["version"],
            template=config["template"], objective=objective, grid=json.dumps(grid),
            random=random, data=data, scenario=scenario, seed=seed, duration_ns=duration_ns,
            folds=folds, code_version=code_version, best=json.dumps(best, sort_keys=True),
            saved_version=saved_version, results=json.dumps(results, sort_keys=True),
            models=None if models is None else json.dumps(models, sort_keys=True)))
        return res.inserted_primary_key[0]


def searches(conn, config: str | None = None) -> list[dict]:
    """Every stored search, newest first."""
    q = select(O).order_by(desc(O.id))
    if config is not None:
        q = q.where(O.config == config)
    return [_row(r) for r in conn.execute(q).mappings()]


def _row(row) -> dict:
    d = dict(row)
    for k in JSON:
        d[k] = None if d[k] is None else json.loads(d[k])
    return d
