"""`souq stress CONFIG`: a strategy across every scenario and several seeds. The runs and
their figures are mm/stress.py's; this only reads options and prints."""
from typing import Optional

import typer

from souq.engine.numbers import fmt, fmt_amount
from souq.mm.desk import configs as C
from souq.mm.desk.params import parse_assignments
from souq.mm.scenarios import SCENARIOS
from souq.mm.stress import SECOND, as_json, run_stress

from .context import State, fail, guarded, print_json
from .tools import progress
from .views import _table

COLUMNS = ("scenario", "seeds", "PnL mean", "PnL worst", "max drawdown", "peak inventory",
           "kill switch", "alerts")


def register(app: typer.Typer) -> None:
    app.command("stress")(stress)


def stress(
    config: str = typer.Argument(..., help="Strategy configuration name."),
    seeds: int = typer.Option(3, "--seeds", help="Seeds 1..N per scenario."),
    duration: float = typer.Option(60.0, "--duration", help="Simulated seconds per run."),
    only: Optional[list[str]] = typer.Option(None, "--scenario", metavar="NAME", help=(
        "Run only NAME (repeatable). Scenarios: " + ", ".join(SCENARIOS) + ".")),
    params: Optional[list[str]] = typer.Option(None, "--param", metavar="SCENARIO.KEY=VALUE",
                                               help="A scenario parameter, e.g. "
                                                    "flash_crash.drop=0.08 (repeatable)."),
    sets: Optional[list[str]] = typer.Option(None, "--set", metavar="KEY=VALUE",
                                             help="Override a strategy parameter "
                                                  "(repeatable)."),
    json: bool = typer.Option(False, "--json"),
) -> None:
    """Backtest a strategy on every stress scenario (normal, high_volatility,
    low_liquidity, news_jump, flash_crash, liquidity_drought, trending) for several seeds;
    a table per scenario of PnL, max drawdown, peak inventory, kill-switch triggers and
    alerts."""
    with guarded():
        if seeds < 1:
            fail("--seeds must be at least 1")
        if duration <= 0:
            fail("--duration must be positive")
        per_scenario: dict[str, dict[str, str]] = {}
        for key, value in parse_assignments(params or []).items():
            name, dot, knob = key.partition(".")
            if not dot or not knob:
                fail(f"--param {key}={value}: want SCENARIO.KEY=VALUE")
            per_scenario.setdefault(name, {})[knob] = value
        cfg = C.get(State.api(), config)
        names = list(only) if only else list(SCENARIOS)
        with progress("stress") as bar:
            task = bar.add_task("stress", total=len(names) * seeds)
            runs, rows = run_stress(
                cfg, seeds=seeds, duration_ns=int(round(duration * SECOND)), scenarios=names,
                scenario_params=per_scenario, overrides=parse_assignments(sets or []),
                on_run=lambda done, total, fig: bar.update(
                    task, completed=done, description=f"{fig.scenario} seed {fig.seed}"))
        if json:
            print_json({"config": cfg["name"], "version": cfg["version"], "seeds": seeds,
                        "duration": duration, **as_json(runs, rows)})
            return
        from souq.mm.display import Figures, count, number
        f = Figures(State.api().symbols())
        quote = next((s["quote"] for s in f.rows if s["name"] == cfg["symbol"]), "")
        money = lambda v: f.money(quote, fmt_amount(v))                   # noqa: E731
        _table(f"stress: {cfg['name']} v{cfg['version']}, {count(seeds, 'seed')}, "
               f"{number(duration)} s",
               COLUMNS, ([r.scenario, _seeds(r.seeds), money(r.pnl_mean), money(r.pnl_worst),
                          money(r.max_drawdown), f.qty(cfg["symbol"], fmt(r.peak_inventory)),
                          _n(r.kill_switch), _n(r.alerts)]
                         for r in rows), right=COLUMNS[2:])


def _seeds(seeds: tuple[int, ...]) -> str:
    return str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}-{seeds[-1]}"


def _n(value: int | None) -> str:
    from souq.mm.display import number
    return "-" if value is None else number(value)
