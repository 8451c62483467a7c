"""Database migrations: a documented, versioned upgrade step run at start-up.

The `meta` row `schema` holds the version of the layout a database was written with
(db/schema.py SCHEMA_VERSION). STEPS lists, in order, what brings a database from the
version before each step to the step's own. When an Api opens a database (db/api.py),
`upgrade` runs, under the database's write lock, every step above the version it finds,
stamping the version after each, so a database made by an earlier souq opens in this one.
A database newer than this code is refused with one line (SchemaTooNew): this souq would
not know what the newer one wrote. A new database is created at SCHEMA_VERSION directly.

To change the layout: bump SCHEMA_VERSION (and db/lite.py's copy), add the tables or
columns to db/schema.py (a new column nullable or with a server default), and append a
Step here saying what it brings; test that a database at the previous version opens.
"""
import json
import sqlite3
import zlib
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import MetaData, inspect, select, update
from sqlalchemy.schema import CreateColumn, CreateTable
from sqlmodel import SQLModel

from . import schema as S
from .dbfile import sqlite_path


class SchemaTooNew(ValueError):
    """The database was written by a newer souq than this one."""


@dataclass(frozen=True)
class Step:
    version: str                    # the version the step brings a database to
    what: str                       # what it brings, for people
    run: Callable                   # run(conn): inside the write lock's transaction


def add_missing(conn) -> None:
    """Create the tables, columns and indexes db/schema.py declares and the database lacks
    (each new column is nullable or has a server default, so old rows stay valid)."""
    SQLModel.metadata.create_all(conn)
    have = inspect(conn)
    for table in SQLModel.metadata.sorted_tables:
        cols = {c["name"] for c in have.get_columns(table.name)}
        for col in table.columns:
            if col.name not in cols:
                spec = CreateColumn(col).compile(dialect=conn.dialect)
                conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {spec}")
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def run_models(conn) -> None:
    """Add bt_runs.models and opt_runs.models; fill bt_runs.models of the stored runs from
    the models their result's spec records (runs from before models stay NULL)."""
    add_missing(conn)
    B = S.BtRun
    for run_id, blob in conn.execute(select(B.id, B.result).where(B.models.is_(None))).all():
        models = json.loads(zlib.decompress(blob))["spec"].get("models")
        if models is not None:
            conn.execute(update(B).where(B.id == run_id)
                         .values(models=json.dumps(models, sort_keys=True)))


def run_order_indexes(conn) -> None:
    """Replace the four orders indexes of schemas 2-3 by schema 4's three (db/schema.py)."""
    for name in S.OLD_ORDER_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    add_missing(conn)


def run_projected_mark(conn) -> None:
    """Add the meta row `projected` (db/projected.py): the projections of a database from
    before it are always those of the whole journal."""
    from .projected import ALL, MARK_KEY
    if conn.execute(select(S.Meta.value).where(S.Meta.key == MARK_KEY)).first() is None:
        conn.execute(S.Meta.__table__.insert().values(key=MARK_KEY, value=ALL))


#: the orders columns schemas 1-5 wrote "0" into when the number could not be read
UNKNOWN_WAS_ZERO = ("qty", "price", "stop_price")


def run_unknown_numbers(conn) -> None:
    """orders.qty nullable, and NULL (unknown) where a rejected order's quantity, price or
    stop price could not be read. Schemas 1-5 stored "0" for such a number (the stream's
    parser put 0 in its place); "0" is no number an order can carry (the format's
    quantities and prices are positive, engine/numbers.py parse_fixed), so on a rejected
    order it marks exactly those, and `souq check`, replaying the journal, now finds NULL
    there too. SQLite cannot drop a NOT NULL constraint in place: the table is made again
    as db/schema.py declares it and its rows copied, then its indexes made
    (https://www.sqlite.org/lang_altertable.html#otheralter); PostgreSQL drops it."""
    if conn.dialect.name == "sqlite":
        _made_again(conn, S.OrderRow.__table__)
    else:
        conn.exec_driver_sql("ALTER TABLE orders ALTER COLUMN qty DROP NOT NULL")
    for column in UNKNOWN_WAS_ZERO:
        conn.exec_driver_sql(f"UPDATE orders SET {column} = NULL "
                             f"WHERE {column} = '0' AND status = 'rejected'")


def _made_again(conn, table) -> None:
    """SQLite: `table` made again as db/schema.py declares it, with its rows (in key
    order) and then its indexes. Inside the upgrade's transaction: all or nothing."""
    quote = conn.dialect.identifier_preparer.quote
    cols = ", ".join(quote(c.name) for c in table.columns)
    key = ", ".join(quote(c.name) for c in table.primary_key.columns)
    new = table.to_metadata(MetaData(), name=f"{table.name}_new")
    conn.execute(CreateTable(new))
    conn.exec_driver_sql(f"INSERT INTO {new.name} ({cols}) SELECT {cols} FROM {table.name} "
                         f"ORDER BY {key}")
    conn.exec_driver_sql(f"DROP TABLE {table.name}")
    conn.exec_driver_sql(f"ALTER TABLE {new.name} RENAME TO {table.name}")
    for index in table.indexes:
        index.create(conn)


STEPS = [
    Step("2", "orders indexes for start-up (status, rank, client id), the check_points "
              "table, md_sets.state", add_missing),
    Step("3", "bt_runs.models and opt_runs.models: the backtest models each run and "
              "search used", run_models),
    Step("4", "orders indexes: one on (user, client id) for both look-ups, and partial ones "
              "on open orders and on ranked orders, for a cheaper write of every order",
         run_order_indexes),
    Step("5", "the meta row `projected`: the journal point the projection tables stand at, "
              "so a writer may write them after the journal (db/projected.py)",
         run_projected_mark),
    Step("6", "orders.qty nullable, and NULL where a rejected order's quantity, price or "
              "stop price could not be read (stored as 0 before)", run_unknown_numbers),
]


def found_version(conn) -> str | None:
    """The version the database was written with; None for a database souq never wrote."""
    if "meta" not in inspect(conn).get_table_names():
        return None
    return conn.execute(select(S.Meta.value).where(S.Meta.key == "schema")).scalar()


def pending(found: str | None, current: str = S.SCHEMA_VERSION) -> list[Step]:
    """The steps a database at version `found` needs to reach `current`, in order ([] for a
    new database or an up-to-date one). Raises SchemaTooNew for a newer database."""
    if found is None:
        return []
    if int(found) > int(current):
        raise SchemaTooNew(f"the database is at schema version {found}, newer than this souq "
                           f"knows ({current}): upgrade souq to open it")
    return [s for s in STEPS if int(found) < int(s.version) <= int(current)]


def needs_upgrade(url: str) -> bool:
    """Whether the database at `url` may need `upgrade` (or be refused): a SQLite file is
    read directly (a fraction of a millisecond); a file that does not exist yet, or a souq
    file at SCHEMA_VERSION, does not. Any other database: True (`upgrade` checks)."""
    path = sqlite_path(url)
    if path is None:
        return True
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:           # not a souq file yet, or locked: let upgrade look
        return True
    return row is None or row[0] != S.SCHEMA_VERSION


def upgrade(engine) -> list[str]:
    """Bring the database behind `engine` (sqlalchemy) up to SCHEMA_VERSION; the versions
    applied, in order ([] when there was nothing to do). Raises SchemaTooNew."""
    with engine.connect() as conn:
        if not pending(found_version(conn)):
            return []
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(select(S.WriterLock.id).with_for_update())
        done = []
        for step in pending(found_version(conn)):       # another process may have begun
            step.run(conn)
            conn.execute(update(S.Meta).where(S.Meta.key == "schema")
                         .values(value=step.version))
            done.append(step.version)
        conn.commit()
    return done
