"""Bulk statements compiled once per dialect and run on the raw DBAPI cursor.

The ORM costs several times more per row on the hot path; SQLAlchemy still writes the
SQL for the dialect at hand, so the statements stay portable (SQLite, PostgreSQL, ...).
Rows are plain tuples in the order of the names given.
"""
from sqlalchemy import bindparam


class Bulk:
    def __init__(self, dialect) -> None:
        self.dialect = dialect
        self._cache: dict = {}

    def _compile(self, stmt, names: list[str]):
        compiled = stmt.compile(dialect=self.dialect)
        if self.dialect.positional:
            order = [names.index(p) for p in compiled.positiontup]
            if order == list(range(len(names))):
                order = None
            return str(compiled), order, None
        return str(compiled), None, names

    def insert(self, table, cols: tuple[str, ...]):
        key = ("i", table.name, cols)
        if key not in self._cache:
            stmt = table.insert().values({c: bindparam(c) for c in cols})
            self._cache[key] = self._compile(stmt, list(cols))
        return self._cache[key]

    def update(self, table, keys: tuple[str, ...], cols: tuple[str, ...]):
        """UPDATE table SET cols WHERE keys; each row is cols then keys (the SQL's order)."""
        key = ("u", table.name, keys, cols)
        if key not in self._cache:
            where = [table.c[k] == bindparam("k_" + k) for k in keys]
            stmt = table.update().where(*where).values({c: bindparam("v_" + c) for c in cols})
            self._cache[key] = self._compile(stmt, ["v_" + c for c in cols] + ["k_" + k for k in keys])
        return self._cache[key]

    def statement(self, key, build, names: tuple[str, ...]):
        """Any statement with bindparams named `names`, compiled once under `key`."""
        if key not in self._cache:
            self._cache[key] = self._compile(build(), list(names))
        return self._cache[key]

    @staticmethod
    def run(cursor, compiled, rows) -> int:
        """Execute for every row; returns the affected row count where the driver tells."""
        if not rows:
            return 0
        sql, order, names = compiled
        if order is not None:
            rows = [tuple(r[i] for i in order) for r in rows]
        elif names is not None:
            rows = [dict(zip(names, r)) for r in rows]
        if len(rows) == 1:
            cursor.execute(sql, rows[0])
        else:
            cursor.executemany(sql, rows)
        return cursor.rowcount
