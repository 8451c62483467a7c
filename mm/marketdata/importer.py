"""CSV files into data sets: every row checked, the whole file or nothing of it.

The file is read as a stream of lines (never whole) and written in batches, each batch a
short transaction of its own, so trading never waits for an import (issue 10 item 3); the
set is flagged ready in a last transaction, so readers see the whole file or nothing. The
first bad row raises DataError naming its line and what is wrong, and the rows written so
far are removed again.
"""
import csv
import os
import re

from souq.db import marketdata as D
from souq.db import queries as Q
from souq.engine.numbers import PRICE_DP, BadNumber, fmt, parse_fixed

from .timefmt import BadTime, parse_time

HEADERS = {"trades": (("time", "price", "qty", "side"),),
           "book": (("time", "side", "price", "size"), ("time", "side", "price", "size", "kind"))}
TRADE_SIDES = ("buy", "sell")
BOOK_SIDES = ("bid", "ask")
BOOK_KINDS = ("snapshot", "update")
BATCH = 5_000
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


class DataError(ValueError):
    """A file that cannot be imported: `line` (0: none in particular) and `reason`."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        self.source, self.line, self.reason = source, line, reason
        super().__init__(f"{source} line {line}: {reason}" if line else f"{source}: {reason}")


def import_csv(engine, path, *, name: str, kind: str, symbol: str, created_ts: int = 0,
               progress=None, batch: int = BATCH) -> dict:
    """Validate and store the CSV at `path` as data set `name`; returns its md_sets row.
    `progress(bytes_read)` is called after each batch and at the end."""
    if kind not in HEADERS:
        raise ValueError(f"kind must be trades or book, not {kind!r}")
    for what, text in (("data set name", name), ("symbol", symbol)):
        if not _NAME.fullmatch(text or ""):
            raise ValueError(f"{what} {text!r} must be 1-64 letters, digits, '.', '_' or '-'")
    source = os.path.basename(str(path))
    with open(path, "rb") as f:
        with engine.begin() as conn:
            if Q.symbol(conn, symbol) is None:
                raise ValueError(f"unknown symbol {symbol!r}; add it first (souq symbol add)")
            D.begin_set(conn, name, kind, symbol, source, created_ts)
        try:
            counter = _Lines(f, source)
            check = _Rows(kind, source, csv.reader(counter))
            pending: list[tuple] = []
            for row in check:
                pending.append(row)
                if len(pending) >= batch:
                    _write(engine, kind, name, pending)
                    if progress is not None:
                        progress(counter.bytes)
            _write(engine, kind, name, pending)
            if not check.count:
                raise DataError(source, 0, "no data rows after the header")
            with engine.begin() as conn:
                if not D.finish_set(conn, name, check.count, check.first, check.last):
                    raise ValueError(f"data set {name!r} was deleted while it was imported")
                found = D.get_set(conn, name)
        except BaseException:
            D.delete_set(engine, name)
            raise
    if progress is not None:
        progress(counter.bytes)
    return found


def _write(engine, kind: str, name: str, rows: list[tuple]) -> None:
    """One batch of rows in a transaction of its own; empties `rows`."""
    with engine.begin() as conn:
        D.insert_rows(conn, kind, name, rows)
    rows.clear()


class _Lines:
    """The file's lines as text, counting bytes for the progress bar."""

    def __init__(self, f, source: str) -> None:
        self.f, self.source = f, source
        self.bytes = 0
        self.n = 0

    def __iter__(self):
        for raw in self.f:
            self.n += 1
            self.bytes += len(raw)
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise DataError(self.source, self.n, "is not UTF-8 text") from None
            if self.n == 1 and text.startswith("\ufeff"):
                text = text[1:]
            yield text


class _Rows:
    """Checked rows (line, ts, ...) of one kind, in file order."""

    def __init__(self, kind: str, source: str, reader) -> None:
        self.kind, self.source, self.reader = kind, source, reader
        self.count = 0
        self.first: int | None = None
        self.last: int | None = None
        self.has_kind = False

    def __iter__(self):
        reader, source = self.reader, self.source
        try:
            header = next(reader)
        except StopIteration:
            raise DataError(source, 0, f"the file is empty; want the header "
                            f"{','.join(HEADERS[self.kind][0])}") from None
        except csv.Error as exc:
            raise DataError(source, reader.line_num, f"not valid CSV ({exc})") from None
        if tuple(header) not in HEADERS[self.kind]:
            want = " or ".join(",".join(h) for h in HEADERS[self.kind])
            raise DataError(source, reader.line_num,
                            f"header must be exactly {want}, got {','.join(header)!r}")
        self.has_kind = len(header) == 5
        width = len(header)
        parse = self._trade if self.kind == "trades" else self._book
        last = None
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise DataError(source, reader.line_num, f"not valid CSV ({exc})") from None
            line = reader.line_num
            if len(fields) != width:
                raise DataError(source, line, f"{len(fields)} fields where {width} are wanted "
                                f"({','.join(header)})")
            try:
                ts = parse_time(fields[0])
                if last is not None and ts < last:
                    raise ValueError(f"time {fields[0]} is before the previous row's; times "
                                     "must not go backwards")
                row = (line, ts, *parse(fields))
            except (BadNumber, BadTime, ValueError) as exc:
                raise DataError(source, line, str(exc)) from None
            last = ts
            if self.first is None:
                self.first = ts
            self.last = ts
            self.count += 1
            yield row

    @staticmethod
    def _trade(f: list[str]) -> tuple:
        price = parse_fixed(f[1], PRICE_DP, "price")
        qty = parse_fixed(f[2], PRICE_DP, "qty")
        if f[3] not in TRADE_SIDES:
            raise ValueError(f"side must be buy or sell (the aggressor), not {f[3]!r}")
        return fmt(price), fmt(qty), f[3]

    def _book(self, f: list[str]) -> tuple:
        if f[1] not in BOOK_SIDES:
            raise ValueError(f"side must be bid or ask, not {f[1]!r}")
        price = parse_fixed(f[2], PRICE_DP, "price")
        kind = f[4] if self.has_kind else "update"
        if kind not in BOOK_KINDS:
            raise ValueError(f"kind must be snapshot or update, not {kind!r}")
        size = parse_fixed(f[3], PRICE_DP, "size", positive=kind == "snapshot")
        return f[1], fmt(price), fmt(size), kind
