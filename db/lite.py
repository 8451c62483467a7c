"""The read commands' fast path: a SQLite file read through the standard library.

`souq book`, `wallets`, `orders`, `trades` and `ledger` spend most of their time starting up,
and importing SQLAlchemy and SQLModel costs several times what the read itself does. On an
existing souq SQLite database these reads go through sqlite3 instead and return exactly what
`db.api.Api`'s reads return (tests/db/test_lite_reads.py compares the two on one database).
`open_reader` returns None for anything else (another database, a missing file, a file
without the souq schema); the caller then uses the full Api, which knows how to say what
is wrong. It also returns None while the projections lag the journal (a deferring
writer's window, db/projected.py): a read-only connection cannot catch them up, and the
full Api does before it reads.
"""
import sqlite3
from pathlib import Path

from souq.engine.model import ACTIVE, ADMIN, OPERATOR, PARTIAL, WORLD

from .access import visible_user
from .predicates import OPEN_ORDER
from .shapes import book_levels, with_avg_price

SCHEMA_VERSION = "6"    # db.schema.SCHEMA_VERSION; the parity test keeps them equal
_BOOLEANS = {"symbols": ("active", "sessions", "open")}


def sqlite_path(url: str) -> Path | None:
    """The file behind a plain SQLite URL or bare path; None for anything else (other
    databases, in-memory, URLs with query options)."""
    if "://" not in url:
        return Path(url)
    if not url.startswith("sqlite:///") or "?" in url:
        return None
    rest = url[len("sqlite:///"):]
    return Path(rest) if rest and rest != ":memory:" else None


def open_reader(url: str, actor: str = OPERATOR) -> "LiteReader | None":
    """A reader on the souq SQLite database at `url`, or None when the fast path does not
    apply (see the module docstring)."""
    path = sqlite_path(url)
    if path is None or not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=120)
        conn.execute("BEGIN")    # the two rows below from one snapshot
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        mark = conn.execute("SELECT value FROM meta WHERE key = 'projected'").fetchone()
        conn.rollback()
    except sqlite3.Error:
        return None
    if row is None or row[0] != SCHEMA_VERSION or mark is None or mark[0] != "all":
        conn.close()     # projections behind the journal: the full path catches them up
        return None
    conn.row_factory = sqlite3.Row
    return LiteReader(conn, actor)


class LiteReader:
    """Api's read methods (same arguments, same results, same AccessDenied) on one
    read-only sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection, actor: str) -> None:
        self.conn = conn
        self.actor = actor

    def close(self) -> None:
        self.conn.close()

    def _rows(self, table: str, sql: str, args=()) -> list[dict]:
        out = [dict(r) for r in self.conn.execute(sql, args)]
        for key in _BOOLEANS.get(table, ()):
            for r in out:
                r[key] = bool(r[key])
        return out

    def _newest(self, table: str, where: list[str], args: list, limit) -> list[dict]:
        """The newest `limit` rows (all without one) matching `where`, oldest first."""
        sql = f"SELECT * FROM {table}" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY id DESC" + (" LIMIT ?" if limit else "")
        rows = self._rows(table, sql, args + ([limit] if limit else []))
        rows.reverse()
        return rows

    def role(self) -> str | None:
        if self.actor == OPERATOR:
            return ADMIN
        r = self.conn.execute("SELECT role FROM users WHERE name = ?", (self.actor,)).fetchone()
        return r[0] if r else None

    def visible_user(self, user: str | None) -> str | None:
        return visible_user(self.actor, self.role(), user)

    def has_user(self, name: str) -> bool:
        """Whether the exchange knows user `name`."""
        return self.conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() \
            is not None

    def symbol(self, name: str) -> dict | None:
        rows = self._rows("symbols", "SELECT * FROM symbols WHERE name = ?", (name,))
        return rows[0] if rows else None

    def symbols(self) -> list[dict]:
        return self._rows("symbols", "SELECT * FROM symbols ORDER BY name")

    def orders(self, *, user=None, status=None, symbol=None, limit=None) -> list[dict]:
        user = self.visible_user(user)
        where, args = [], []
        if user is not None:
            where.append('"user" = ?')
            args.append(user)
        if status == "open":
            where.append(OPEN_ORDER)                # the partial index's own predicate
        elif status is not None:
            where.append("status = ?")
            args.append(status)
        if symbol is not None:
            where.append("symbol = ?")
            args.append(symbol)
        return [with_avg_price(r) for r in self._newest("orders", where, args, limit)]

    def trades(self, *, user=None, symbol=None, limit=None) -> list[dict]:
        return self._involving("trades", ("maker_user", "taker_user"), user,
                               "symbol", symbol, limit)

    def ledger(self, *, user=None, asset=None, limit=None) -> list[dict]:
        return self._involving("ledger", ("from_user", "to_user"), user, "asset", asset, limit)

    def _involving(self, table, parties, user, key, value, limit) -> list[dict]:
        """The newest rows where the visible user is one of `parties` (any row for an
        admin asking for everybody) and `key` equals `value` when given."""
        user = self.visible_user(user)
        where, args = [], []
        if user is not None:
            where.append("(" + " OR ".join(f"{p} = ?" for p in parties) + ")")
            args += [user] * len(parties)
        if value is not None:
            where.append(f"{key} = ?")
            args.append(value)
        return self._newest(table, where, args, limit)

    def wallets(self, *, user=None) -> list[dict]:
        user = self.visible_user(user)
        sql, args = 'SELECT * FROM wallets WHERE "user" != ?', [WORLD]
        if user is not None:
            sql += ' AND "user" = ?'
            args.append(user)
        return self._rows("wallets", sql + ' ORDER BY "user", asset', args)

    def book(self, symbol: str, depth: int = 10) -> dict:
        rows = self.conn.execute(
            "SELECT side, price, qty, filled FROM orders WHERE symbol = ? AND status IN (?, ?) "
            f"AND {OPEN_ORDER}",
            (symbol, ACTIVE, PARTIAL))
        return book_levels(symbol, rows, depth)
