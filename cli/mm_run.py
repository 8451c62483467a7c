"""`souq mm run NAME`: run a strategy configuration in the foreground and print its report."""
import os
from dataclasses import replace
import sys
import time
from typing import Optional

import typer
from rich.progress import Progress, TextColumn
from rich.table import Table

from souq.engine.numbers import fmt, fmt_amount
from souq.mm.desk.report import report
from souq.mm.desk.api_runner import ApiRunner
from souq.mm.desk.loop import run_loop, stop_signals
from souq.mm.sim import ApiDriver, SimParams

from .context import State, err, fail, guarded, out, print_json


def register(mm_app: typer.Typer) -> None:
    """Adds this module's commands to the `mm` sub-app."""
    mm_app.command("run")(run)


def run(
    name: str = typer.Argument(..., help="The strategy configuration to run."),
    sim: bool = typer.Option(False, "--sim", help="Run the demo market simulator in this "
                             "process, on the same database, while the strategy quotes."),
    duration: Optional[float] = typer.Option(None, "--duration", metavar="S",
                                             help="Stop after S seconds (default: run until "
                                                  "stopped: `souq mm stop`, SIGTERM, Ctrl-C)."),
    seed: Optional[int] = typer.Option(None, "--seed", help="With --sim: the simulator's "
                                       "seed (default: a fresh one)."),
    rate: Optional[float] = typer.Option(None, "--rate", metavar="R",
                                         help="With --sim: simulated orders per second "
                                              "(default 200)."),
    json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    on_critical: Optional[str] = typer.Option(None, "--on-critical", metavar="CMD",
                                              help="Shell command run on each new critical "
                                                   "alert; the text is $1 and SOUQ_ALERT_TEXT."),
    venue: Optional[str] = typer.Option(None, "--venue", metavar="URL",
                                        help="Quote on a remote souq (`souq serve`) instead "
                                             "of this database, with --key; the secret from "
                                             "SOUQ_SECRET or a prompt."),
    key: Optional[str] = typer.Option(None, "--key", metavar="CLIENT_ID",
                                      help="The API key for --venue."),
    hedge_venue: Optional[str] = typer.Option(None, "--hedge-venue", metavar="URL",
                                              help="Trade every other symbol the strategy "
                                                   "uses (a hedger's hedge symbol) on this "
                                                   "souq, with --hedge-key; the secret from "
                                                   "SOUQ_HEDGE_SECRET or a prompt."),
    hedge_key: Optional[str] = typer.Option(None, "--hedge-key", metavar="CLIENT_ID",
                                            help="The API key for --hedge-venue."),
    dead_man: int = typer.Option(10, "--dead-man", metavar="S",
                                 help="With a remote venue: it cancels this run's orders "
                                      "when the runner is silent for S seconds (1-3600)."),
) -> None:
    """Run a strategy against the exchange as its market-maker user; on stop, print the
    run's report (trades, assets, PnL against holding, drawdown, Sharpe, alerts).

    The configuration, run, samples and alerts live in this database; the market may be
    elsewhere: `--venue URL --key ID` quotes on a remote souq through its gateway, and
    `--hedge-venue URL --hedge-key ID` sends the other symbols' orders to a second one."""
    with guarded():
        if duration is not None and duration <= 0:
            fail("duration must be positive")
        if not sim and (seed is not None or rate is not None):
            fail("--seed and --rate need --sim")
        if sim and (venue or hedge_venue):
            fail("--sim runs the simulator on this database: it does not go with --venue")
        params = SimParams(rate=200.0 if rate is None else rate)
        api = State.api()
        remote = None
        if venue or hedge_venue:
            from .mm_venue import open_venues
            remote = open_venues(api, name, venue, key, hedge_venue, hedge_key, dead_man)
        runner = ApiRunner(State.db, name, mode="sim" if sim else "live",
                           on_critical=on_critical, requester=State.actor,
                           shared=api if sim else None,
                           venue=None if remote is None else remote.venue)
        driver = None
        if sim:
            api.require_admin("run the simulator")
            driver = ApiDriver(api, replace(params, symbols=tuple(runner.watch)),
                               int.from_bytes(os.urandom(4), "big") if seed is None else seed)
        with stop_signals() as should_stop, _progress() as bar:
            task = bar.add_task("mm", total=None, info="starting")

            def on_tick(r, step) -> None:
                bar.update(task, info=tick_text(r))
            run_loop(runner, clock=time.time_ns, sleep=time.sleep, duration=duration,
                     driver=driver, tick=0.05 if sim else 0.1, should_stop=should_stop,
                     on_tick=on_tick)
        result = report(runner.api, runner.run_id)
        runner.close()
        if remote is not None:
            remote.close()
        if json:
            print_json(result)
        else:
            _show(result, api.symbols())


def tick_text(r) -> str:
    """The progress line of a running strategy (a Runner): its PnL is unknown ("–",
    mm.display.MISSING) until its first mark, not 0."""
    from souq.mm.display import MISSING
    pnl = MISSING if r.equity is None else fmt_amount(r.equity)
    return f"{r.name}: inventory {fmt(r.inventory)}, PnL {pnl}, {r.n} orders sent"


def _progress() -> Progress:
    tty = sys.stdout.isatty() and sys.stderr.isatty()
    return Progress(TextColumn("mm run"), TextColumn("{task.fields[info]}"), console=err,
                    disable=not tty, transient=True)


def _show(r: dict, symbols=()) -> None:
    """The run's report as people read it (mm.display): money at the quote's precision,
    quantities at the step's, prices at the tick's, counts with their nouns."""
    from souq.mm.display import Figures, bps, count, number
    if r.get("venue") == "remote" and "assets_now" not in r:     # no fill to reckon from
        return _show_remote(r, Figures(symbols))
    f = Figures(symbols)
    base, quote, sym = r["base"], r["quote"], r["symbol"]
    money = lambda v: f.money(quote, v)                                  # noqa: E731
    valued = lambda v: "–" if v is None else f"{money(v)} {quote}"       # noqa: E731
    qty = lambda v: f.qty(sym, v)                                        # noqa: E731
    pnl = r["pnl"]
    t = Table(title=f"{r['name']} v{r['version']} ({r['template']}) on {sym} as "
                    f"{r['user']}: run {r['run']} {r['state']}" + _reason(r))
    t.add_column("figure")
    t.add_column("value", justify="right")
    tr = r["trades"]
    rows = [
        ("trades", number(tr["count"])),
        ("bought", f"{qty(tr['buy']['volume'])} {base} in {count(tr['buy']['count'], 'fill')}"),
        ("sold", f"{qty(tr['sell']['volume'])} {base} in {count(tr['sell']['count'], 'fill')}"),
        ("assets at start", _assets(r["assets_start"], base, quote, f)),
        ("assets now", _assets(r["assets_now"], base, quote, f)),
        ("mark", f.avg_price(sym, r["mid"])),
        ("value holding the start", valued(r["hold_value"])),      # "–": no mark
        ("value of the strategy", valued(r["strategy_value"])),
        ("PnL realised", f"{money(pnl['realised'])} {quote}"),
        ("PnL unrealised", f"{money(pnl['unrealised'])} {quote}"),
        ("fees", f"{f.fee(quote, pnl['fees'])} {quote}"),
        ("PnL total", valued(pnl["total"])),
        ("return", f"{number(pnl['return_pct'], 2)} %" if pnl["return_pct"] is not None
         else number(None)),         # nothing held at the start: no return, not 0 %
        ("spread captured", f"{money(r['spread_captured'])} {quote}"
         + (f" ({bps(r['spread_captured_bps'])})" if r["spread_captured_bps"] else "")),
        ("inventory", f"{qty(r['inventory'])} {base}"),
        ("max inventory", f"{qty(r['max_inventory'])} {base}"),
        ("max drawdown", f"{money(r['max_drawdown'])} {quote}"),
        *_hedge(r, quote, f),
        *_analytics(r["analytics"], base, quote, f),
        ("alerts", f"{number(r['alerts']['count'])} "
                   f"(+{count(r['alerts']['repeats'], 'repeat')})"),
    ]
    for row in rows:
        t.add_row(*row)
    out.print(t)
    if r.get("note"):
        out.print(f"  {r['note']}", markup=False)
    for a in r["alerts"]["items"]:
        more = f" (x{a['repeats'] + 1})" if a["repeats"] else ""
        out.print(f"  {a['severity']} {a['kind']}: {a['text']}{more}", markup=False,
                  soft_wrap=True)


def _reason(r: dict) -> str:
    """Why the run stopped, its numbers grouped, in brackets; nothing when it did not."""
    from souq.mm.display import grouped_text
    return f" ({grouped_text(r['reason'])})" if r["reason"] else ""


def _show_remote(r: dict, f) -> None:
    from souq.mm.display import count, number
    sym = r["symbol"]
    quote = r.get("quote") or sym.partition("-")[2]
    t = Table(title=f"{r['name']} v{r['version']} ({r['template']}) on {sym} as "
                    f"{r['user']} on a remote venue: run {r['run']} {r['state']}"
                    + _reason(r))
    t.add_column("figure")
    t.add_column("value", justify="right")
    for row in (("PnL total", f.money(quote, r["pnl"]["total"])),
                ("inventory", f.qty(sym, r["inventory"])),
                ("max inventory", f.qty(sym, r["max_inventory"])),
                ("max drawdown", f.money(quote, r["max_drawdown"])),
                ("mark", f.avg_price(sym, r["mid"])), ("samples", number(r["samples"])),
                ("alerts", f"{number(r['alerts']['count'])} "
                           f"(+{count(r['alerts']['repeats'], 'repeat')})")):
        t.add_row(*row)
    out.print(t)
    out.print(f"  {r['note']}", markup=False)


def _analytics(a: dict, base: str, quote: str, f) -> list[tuple[str, str]]:
    """A few of the backtest metrics, the full set being in --json."""
    from souq.mm.display import count, percent, ratio
    money = lambda v: f.money(quote, v)                                  # noqa: E731
    att = a["attribution"]
    mk = a["markouts"]["1s"]
    ratios = (f"{ratio(a['sharpe'])} / {ratio(a['sortino'])} / {ratio(a['calmar'])}"
              if a["ratios_note"] is None else f"- ({a['ratios_note']})")
    return [("PnL from spread / inventory / fees", f"{money(att['spread'])} / "
             f"{money(att['inventory'])} / {money(att['fees'])} {quote}"),
            ("Sharpe / Sortino / Calmar", ratios),
            ("ratios' horizon", a["ratios_horizon"] or "-"),
            ("market impact (mean mid move)", f"{money(a['market_impact']['mean'])} "
                                              f"{quote}/{base} a fill over "
                              f"{count(a['market_impact']['fills'], 'fill')}"),
            ("fill ratio (quantity)", percent(a["fill_ratio_qty"])),
            ("markout 1 s (PnL)", f"{money(mk['pnl'])} {quote} over {count(mk['fills'], 'fill')}"),
            ("VaR 95 / 99 per sample", f"{money(a['var_95'])} / {money(a['var_99'])} {quote}")]


def _hedge(r: dict, quote: str, f) -> list[tuple[str, str]]:
    """A hedger's other legs, each in its own currency and in the quote asset, and the
    PnL of every leg together."""
    from souq.mm.display import count
    rows = []
    for g in r.get("hedge_legs", ()):
        rows.append((f"hedge leg {g['symbol']}", f"{count(g['fills'], 'fill')}, inventory "
                     f"{f.qty(g['symbol'], g['inventory'])}, PnL "
                     f"{f.money(g['quote'], g['total'])} {g['quote']}"
                     + (f" = {f.money(quote, g['total_converted'])} {quote}"
                        if g["total_converted"] is not None else "")))
    if rows:
        rows.append(("PnL of all legs", f"{f.money(quote, r['pnl_all_legs'])} {quote}"
                     if r["pnl_all_legs"] is not None else f"- ({r['pnl_all_legs_note']})"))
    return rows


def _assets(a: dict, base: str, quote: str, f) -> str:
    return f"{f.balance(base, a[base])} {base}, {f.balance(quote, a[quote])} {quote}"
