"""`souq data import|list|show|delete`: historical market data for backtests. The rules
(columns, validation, all-or-nothing) live in mm/marketdata."""
import inspect
import os
import sys
import time
from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from souq.db import marketdata as D
from souq.mm.marketdata import format_time, import_csv, info

from souq.mm.display import count

from .context import State, err, fail, guarded, out, print_json
from .views import _table

COLUMNS_HELP = (
    "Trades files: header exactly `time,price,qty,side`; side is the aggressor, buy or sell. "
    "Book files: header exactly `time,side,price,size` or `time,side,price,size,kind`; side "
    "is bid or ask, kind is snapshot or update (update when the column is absent), size 0 "
    "removes the level; a snapshot is a run of snapshot rows with the same time and "
    "replaces the whole book. time: integer nanoseconds since the Unix epoch, or ISO-8601 "
    "with a zone (2024-03-01T09:30:00.25Z); times must not go backwards. Numbers are plain "
    "decimals (no exponent), prices and quantities positive, at most 9 decimal places.")

data_app = typer.Typer(name="data", no_args_is_help=True, add_completion=False,
                       help="Historical market data for backtests. " + COLUMNS_HELP)
SET_KEYS = ("name", "kind", "symbol", "rows", "first", "last", "source")


def register(app: typer.Typer) -> None:
    for name, fn in (("import", import_file), ("list", list_sets), ("show", show),
                     ("delete", delete)):
        data_app.command(name, help=(inspect.cleandoc(fn.__doc__) + "\n\n" + COLUMNS_HELP)
                         if name == "import"
                         else None)(fn)
    app.add_typer(data_app, name="data")


def import_file(
    file: Path = typer.Argument(..., help="The CSV file."),
    name: str = typer.Option(..., "--name", help="Name of the new data set."),
    kind: str = typer.Option(..., "--kind", help="trades or book."),
    symbol: str = typer.Option(..., "--symbol", help="The symbol it is data for."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Import a CSV file as a new data set (admin): every row is checked and the file is
    stored whole or not at all; a bad row is named by its line number. Trading goes on
    meanwhile: rows are written in short transactions and the set appears at the end."""
    with guarded():
        api = State.api()
        api.require_admin("import market data")
        if kind not in D.KINDS:
            fail(f"--kind must be trades or book, not {kind!r}")
        if not file.is_file():
            fail(f"no file {str(file)!r}")
        with _bytes_bar(file.name) as bar:
            task = bar.add_task("import", total=os.path.getsize(file))
            row = import_csv(api.db, file, name=name, kind=kind, symbol=symbol,
                             created_ts=time.time_ns(),
                             progress=lambda n: bar.update(task, completed=n))
        if json:
            print_json(_public(row))
            return
        out.print(f"data set {row['name']}: {count(row['rows'], kind + ' row')} for {row['symbol']}, "
                  f"{_time(row['first_ts'])} to {_time(row['last_ts'])}", markup=False,
                  soft_wrap=True)


def list_sets(json: bool = typer.Option(False, "--json")) -> None:
    """Every imported data set."""
    with guarded():
        rows = [_public(r) for r in State.api().read(D.sets)]
        if json:
            print_json(rows)
            return
        _table("data sets", SET_KEYS, ([r[k] for k in SET_KEYS] for r in rows), right=("rows",))


def show(name: str = typer.Argument(...),
         rows: int = typer.Option(10, "--rows", min=0, help="How many rows to print."),
         json: bool = typer.Option(False, "--json")) -> None:
    """A data set and its first rows."""
    with guarded():
        api = State.api()
        found = _public(api.read(info, name))
        cols = ("time",) + D.COLUMNS[found["kind"]][1:]
        first = api.read(lambda conn: [tuple(r) for r in
                                       D.rows(conn, found["kind"], name, limit=rows)])
        first = [(_time(r[0]), *r[1:]) for r in first]
        if json:
            print_json({**found, "head": [dict(zip(cols, r)) for r in first]})
            return
        _table(f"data set {name}", SET_KEYS, [[found[k] for k in SET_KEYS]], right=("rows",))
        if first:
            _table(f"first {count(len(first), 'row')}", cols, first, right=("price", "qty", "size"))


def delete(name: str = typer.Argument(...)) -> None:
    """Delete a data set and all its rows (admin)."""
    with guarded():
        api = State.api()
        api.require_admin("delete market data")
        if not D.delete_set(api.db, name):
            fail(f"no data set {name!r}")
        out.print(f"data set {name} deleted", markup=False)


def _public(row: dict) -> dict:
    return {"name": row["name"], "kind": row["kind"], "symbol": row["symbol"],
            "rows": row["rows"], "first": _time(row["first_ts"]),
            "last": _time(row["last_ts"]), "source": row["source"]}


def _time(ns: int | None) -> str | None:
    return None if ns is None else format_time(ns)


def _bytes_bar(label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=err, disable=not sys.stderr.isatty(), transient=True)
