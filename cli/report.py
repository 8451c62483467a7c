"""`souq report RUN`: a stored backtest run's figures and charts as Markdown, HTML or
JSON, on stdout or into a file. Thin: the report is mm/reports."""
from typing import Optional

import typer

from souq.db.outfiles import write_output

from .backtest import _get
from .context import State, fail, guarded, out


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    run: int = typer.Argument(..., help="Stored run id (see `souq runs list`)."),
    fmt: str = typer.Option("md", "--format", help="md (charts as text), html (one "
                            "self-contained file, SVG charts) or json."),
    dest: Optional[str] = typer.Option(None, "--out", help="Write here instead of stdout "
                                       "(a new file, or one of yours; never through a link)."),
) -> None:
    """Every figure of a stored run, and its equity, drawdown, inventory and markout charts."""
    from souq.mm.reports import FORMATS, render
    with guarded():
        if fmt not in FORMATS:
            fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
        row = _get(run, "report", with_result=True)
        text = render(row, fmt, State.api().symbols())
        if dest is None:
            out.file.write(text)
            return
        write_output(dest, "--out", text)
    out.print(f"wrote run {run}'s {fmt} report to {dest}", markup=False)
