"""`souq replay FILE`: apply an order stream, with a progress bar on a terminal."""
import os
import sys
from pathlib import Path
from typing import Optional

import orjson
import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from souq.db.outfiles import open_output
from souq.db.replay import ReplayError, replay

from souq.mm.display import count, number

from .context import State, err, fail, guarded, out, print_json


def register(app: typer.Typer) -> None:
    app.command("replay")(replay_cmd)


def replay_cmd(
    file: Path = typer.Argument(..., help="An order stream (JSON Lines), or - for stdin."),
    batch: int = typer.Option(1, "--batch", min=1, help="Commit every N commands."),
    defer: int = typer.Option(0, "--defer", min=0,
                              help="Write the projection tables every N commands, after the "
                                   "journal (0: with each commit)."),
    in_memory: bool = typer.Option(False, "--in-memory", help="Run the engine with no database."),
    trades_out: Optional[str] = typer.Option(None, "--trades-out",
                                              help="Write the trades in the format's trade shape."),
    rejections_out: Optional[str] = typer.Option(None, "--rejections-out",
                                                  help="Write each refused command's line and reason."),
    json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Apply an order stream: one JSON object per line (the format: README, section Replay;
    an example: tests/fixtures/example-seed-trade.jsonl). Refused commands are recorded as
    rejected and the replay goes on; a malformed line stops it with its line number."""
    with guarded():
        source = sys.stdin if str(file) == "-" else open(file, encoding="utf-8")
        size = 0 if source is sys.stdin else os.fstat(source.fileno()).st_size
        trades_fh = open_output(trades_out, "--trades-out") if trades_out is not None else None
        rej_fh = (open_output(rejections_out, "--rejections-out")
                  if rejections_out is not None else None)
        on_trade = (lambda t: trades_fh.write(orjson.dumps(t) + b"\n")) if trades_fh else None
        on_reject = ((lambda n, r: rej_fh.write(orjson.dumps({"line": n, "reason": r}) + b"\n"))
                     if rej_fh else None)
        store = None if in_memory else State.api().store
        if store is not None:
            store.defer = defer
        show = sys.stderr.isatty() and size > 0
        error = None
        with Progress(TextColumn("replay"), BarColumn(), TransferSpeedColumn(),
                      TimeRemainingColumn(), console=err, disable=not show, transient=True) as bar:
            task = bar.add_task("replay", total=size)
            try:
                stats = replay(source, store=store, actor=State.actor, batch=batch,
                               on_trade=on_trade, on_reject=on_reject,
                               on_progress=(lambda n: bar.advance(task, n)) if show else None)
            except ReplayError as exc:
                error = exc
                stats = None
            except UnicodeDecodeError as exc:
                error = f"not UTF-8 text (a byte 0x{exc.object[exc.start]:02x})"
                stats = None
        for fh in (trades_fh, rej_fh):
            if fh:
                fh.close()
        if error is not None:
            fail(f"{file}: {error}; lines before it are applied")
        summary = stats.as_dict()
        if json:
            print_json(summary)
        else:
            out.print(f"replayed {count(summary['commands'], 'command')}: "
                      f"{number(summary['accepted'])} accepted, {number(summary['rejected'])} "
                      f"rejected, {count(summary['trades'], 'trade')} in {number(summary['seconds'])} s "
                      f"({number(summary['commands_per_s'])} commands/s)")
