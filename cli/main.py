"""`souq`: the headless exchange. Thin: arguments in, commands to the API, text out."""
from typing import Optional

import typer

from engine.model import OPERATOR

from . import admin, orders, replay, tools, views
from . import analyze, backtest, data, mm, optimize, report, sim, stress
from . import cases, surveil
from .context import State

app = typer.Typer(
    name="souq", invoke_without_command=True, add_completion=False, pretty_exceptions_enable=False,
    help="souq: a trading workstation with an embedded exchange. The CLI acts as the exchange "
         "operator (an admin) unless --as USER.",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="SOUQ_DB",
                                     help="SQLAlchemy URL or SQLite file path "
                                          "(default: souq.db in your data directory)."),
    as_user: Optional[str] = typer.Option(None, "--as", metavar="USER",
                                          help="Act as USER with only that user's rights."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Workstation theme: souq-dark, "
                                        "souq-light or souq-contrast (remembered)."),
    symbol: Optional[str] = typer.Option(None, "--symbol", help="Workstation: symbol to open."),
) -> None:
    """With no command, opens the workstation on the database (a demo exchange if empty)."""
    State.db = db
    State.actor = as_user or OPERATOR
    State._api = None
    if ctx.invoked_subcommand is None:
        from .workstation import open_workstation
        open_workstation(db, as_user, theme, symbol)


admin.register(app)
orders.register(app)
views.register(app)
replay.register(app)
tools.register(app)
sim.register(app)
mm.register(app)
analyze.register(app)
data.register(app)
stress.register(app)
backtest.register(app)
optimize.register(app)
report.register(app)
surveil.register(app)
cases.register(app)


_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def run() -> None:
    """The console script: usage errors become one line too, like every other failure."""
    import sys
    try:
        code = app(standalone_mode=False)
    except _ClickException as exc:
        hint = f"; see '{exc.ctx.command_path} --help'" if getattr(exc, "ctx", None) else ""
        sys.stderr.write(f"error: {exc.format_message().rstrip('.')}{hint}\n")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
