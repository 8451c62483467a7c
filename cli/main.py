"""`souq`: the headless exchange. Thin: arguments in, commands to the API, text out.

Start-up is most of a command's cost, so nothing heavy is imported here: `COMMANDS` names
every sub-command, the module that registers it and its one-line help. `souq --help` lists
them from the table alone; running a command imports only its own module.
"""
from typing import Optional

import typer
from typer.core import TyperGroup

# To add a command: write cli/<module>.py with `register(app)` and add one line per name it
# registers. tests/cli/test_cli_startup.py checks each line against the real command.
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("admin", "Create the database (and optionally the demo exchange)."),
    "demo": ("admin", "Open the demo exchange (created on first run) and trade a little, "
                      "headless."),
    "deposit": ("admin", "Credit a user's wallet from outside the exchange (admin)."),
    "withdraw": ("admin", "Pay out from a user's available balance (admin)."),
    "symbol": ("admin", "Add, list, show, activate and deactivate symbols."),
    "session": ("admin", "Open and close trading sessions."),
    "user": ("admin", "Add, list, suspend and reinstate users."),
    "asset": ("admin", "Asset precisions: fees round up to them."),
    "order": ("orders", "Place, amend and cancel orders."),
    "orders": ("views", "Orders of every status (yours only unless you are an admin)."),
    "trades": ("views", "Trades in execution order, in the order-stream format's trade shape "
                        "with --json."),
    "book": ("views", "The order book's depth, best prices first."),
    "wallets": ("views", "Balance, hold and available per user and asset; the fee account is "
                         "@fees."),
    "ledger": ("views", "Ledger movements: each moves an amount from one account bucket to "
                        "another."),
    "replay": ("replay", "Apply an order stream: one JSON object per line (the format: "
                         "README, section Replay; an example: "
                         "tests/fixtures/example-seed-trade.jsonl)."),
    "check": ("tools", "Verify every invariant from one snapshot of the database; exits "
                       "non-zero naming each violation."),
    "bench": ("tools", "Measure the exchange on a seeded mixed workload and print JSON figures."),
    "sim": ("sim", "Simulate a market: noise, informed and momentum traders (admin)."),
    "mm": ("mm", "Market-making strategies: configure, run, watch."),
    "analyze": ("analyze", "Depth and cost to trade, spread, depth and resiliency over time, "
                           "order-flow imbalance, microprice, volatility, Roll's spread, "
                           "SMA 20/50, RSI 14, Bollinger(20)."),
    "data": ("data", "Historical market data for backtests."),
    "stress": ("stress", "Backtest a strategy on every stress scenario (normal, high_volatility, "
                         "low_liquidity, news_jump, flash_crash, liquidity_drought, trending) "
                         "for several seeds; a table per scenario of PnL, max drawdown, peak "
                         "inventory, kill-switch triggers and alerts."),
    "backtest": ("backtest", "Run CONFIG through the matching engine and store the run."),
    "runs": ("backtest", "Stored backtest runs: list, show, compare, export, delete."),
    "optimize": ("optimize", "Search CONFIG's parameters: each set a backtest, scored by the "
                             "objective."),
    "key": ("keys", "API keys for the network gateway (souq serve)."),
    "audit": ("keys", "The gateway's request log: who called which route, its status and "
                      "latency (admin)."),
    "serve": ("keys", "Run the REST and WebSocket gateway on the database until Ctrl+C."),
    "surveil": ("surveil", "Market surveillance (admin): follow the journal, scan it, set rules."),
    "cases": ("cases", "Surveillance cases (admin): list, show, review, dismiss, confirm, "
                       "release."),
    "report": ("report", "Every figure of a stored run, and its equity, drawdown, inventory and "
                         "markout charts."),
}


class LazyGroup(TyperGroup):
    """A command group whose sub-commands are placeholders (name and help, for `--help`)
    until one is run; then its module is imported and registers the real commands."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        for name, (_module, text) in COMMANDS.items():
            self.commands.setdefault(name, typer.core.TyperCommand(name, help=text))

    def resolve_command(self, ctx, args):
        if args and args[0] in COMMANDS:
            self.load(COMMANDS[args[0]][0])
        return super().resolve_command(ctx, args)

    def load(self, module: str) -> None:
        """Replace the placeholders of cli/<module>.py with its real commands."""
        from importlib import import_module
        import typer.main
        sub = typer.Typer()
        import_module(f"souq.cli.{module}").register(sub)
        group = typer.main.get_group(sub)
        guard_commands(group)
        self.commands.update(group.commands)


app = typer.Typer(
    name="souq", cls=LazyGroup, invoke_without_command=True, add_completion=False,
    rich_markup_mode=None,      # plain help: rich.markdown and pygments cost more than the rest
    pretty_exceptions_enable=False,
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
    server: Optional[str] = typer.Option(None, "--server", metavar="URL",
                                         help="Work through a souq gateway instead of a "
                                              "database (with --key; secret from SOUQ_SECRET)."),
    key: Optional[str] = typer.Option(None, "--key", metavar="CLIENT_ID",
                                      help="The API key to use with --server."),
) -> None:
    """With no command, opens the workstation on the database (a demo exchange if empty)."""
    from souq.engine.model import OPERATOR

    from .context import State
    State.db = db
    State.actor = as_user or OPERATOR
    State._api = None
    State.server, State.key = server, key
    if ctx.invoked_subcommand is None:
        from .workstation import open_workstation
        checked("workstation")
        open_workstation(db, as_user, theme, symbol, server, key)


def checked(action: str, values: dict | None = None) -> None:
    """Before `action` runs: every typed number within what a 64-bit column and a loop
    hold (engine/edge.py), then the permission table (db/access.py) on the acting user."""
    from souq.db.access import require
    from souq.engine.edge import check_magnitude

    from .context import State, guarded
    with guarded():
        for label, value in (values or {}).items():
            check_magnitude(label, value)
        if not State.server:     # through a gateway, the server applies the same table
            require(State.reader(), action)


def guard_commands(group, prefix: str = "") -> None:
    """Put every leaf command of the click tree behind `checked(its path)`: no command
    runs without its rule (a command missing from the table fails its tests). Called by
    LazyGroup.load on each module's real commands as they are loaded."""
    import functools
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(cmd, "commands"):
            guard_commands(cmd, path + " ")
            continue
        for param in cmd.params:
            ascii_numbers(param)
            nonempty_paths(param)

        labels = {p.name: (p.opts[0] if p.opts[0].startswith("-") else p.name.upper())
                  for p in cmd.params}

        def wrapped(*args, _path=path, _callback=cmd.callback, _labels=labels, **kw):
            checked(_path, {_labels.get(k, k): v for k, v in kw.items()})
            return _callback(*args, **kw)
        cmd.callback = functools.wraps(cmd.callback)(wrapped)


_NOT_FINITE = {"nan", "inf", "infinity"}


def ascii_numbers(param) -> None:
    """Make a whole-number or decimal option or argument read only what people mean by a
    number: Python's int() and float(), which click uses, also read '١٠' (Arabic-Indic)
    and '１' (fullwidth) digits, '1_0' as 10, and float() 'nan' and 'inf'. Such text is
    now refused with a one-line usage error naming it (engine.edge.plain_ascii, the rule
    the quick entry and the ticket use); anything else converts exactly as before. The
    param gets its own copy of its click type, so help and ranges stay as they were."""
    import copy

    from souq.engine.edge import plain_ascii
    kind = param.type
    bases = {c.__name__ for c in type(kind).__mro__}    # typer ships its own click
    if not bases & {"IntParamType", "FloatParamType"}:
        return
    whole = "IntParamType" in bases
    convert = kind.convert

    def checked_convert(value, param, ctx):
        if isinstance(value, str) and (
                not plain_ascii(value) or value.lstrip("+-").lower() in _NOT_FINITE):
            what = "whole number" if whole else "finite number"
            kind.fail(f"{value!r} is not a {what} in ASCII digits", param, ctx)
        return convert(value, param, ctx)
    param.type = copy.copy(kind)
    param.type.convert = checked_convert


def nonempty_paths(param) -> None:
    """Make a file argument or option refuse an empty or blank path: pathlib reads '' as
    '.', so `souq replay ''` said "'.': is a directory" and `souq data import ''` "no file
    '.'", naming a path nobody typed. Now a one-line usage error, as db.outfiles words it
    for the paths souq writes ("the path is empty"); '-' (stdin) and real paths unchanged."""
    import copy
    kind = param.type
    if not {c.__name__ for c in type(kind).__mro__} & {"Path", "TyperPath"}:
        return
    convert = kind.convert

    def checked_convert(value, param, ctx):
        if isinstance(value, str) and not value.strip():
            kind.fail("the path is empty", param, ctx)
        return convert(value, param, ctx)
    param.type = copy.copy(kind)
    param.type.convert = checked_convert


def command(load_all: bool = False):
    """The click command tree of the app; each command is guarded as its module loads.
    `load_all` loads every module at once (to list or audit the whole tree)."""
    group = typer.main.get_command(app)
    if load_all:
        for module in dict.fromkeys(m for m, _ in COMMANDS.values()):
            group.load(module)
    return group


_ClickException = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def run() -> None:
    """The console script: usage errors become one line too, like every other failure."""
    import sys
    import warnings
    warnings.showwarning = lambda message, *a, **k: sys.stderr.write(f"warning: {message}\n")
    try:
        code = command().main(standalone_mode=False)
    except _ClickException as exc:
        hint = f"; see '{exc.ctx.command_path} --help'" if getattr(exc, "ctx", None) else ""
        sys.stderr.write(f"error: {exc.format_message().rstrip('.')}{hint}\n")
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("error: interrupted\n")
        sys.exit(130)
    except Exception as exc:   # a writer path outside guarded(): the lock timeout is one line too
        from souq.db.store import DatabaseBusy, busy, is_locked
        if not (isinstance(exc, DatabaseBusy) or is_locked(exc)):
            raise
        sys.stderr.write(f"error: {busy()}\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
