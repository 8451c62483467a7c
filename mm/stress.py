"""Stress tests: one strategy configuration through every scenario (mm/scenarios) and
several seeds, each a backtest (mm.backtest.run.run_backtest), reduced to the figures a
risk desk asks first: PnL, max drawdown, peak inventory, kill-switch triggers, alerts.

Pure and deterministic: integers throughout (money at 1e-18, inventory at 1e-9); the same
configuration, seeds and duration give the same report.
"""
from dataclasses import asdict, dataclass

from souq.engine.numbers import fmt, fmt_amount
from souq.engine.timeunits import SECOND
from souq.mm.display import number

from .scenarios import SCENARIOS, scenario



@dataclass(frozen=True)
class RunFigures:
    scenario: str
    seed: int
    pnl: int                    # 1e-18 quote: the last equity sample (PnL since the start)
    max_drawdown: int           # 1e-18 quote, >= 0: deepest fall from a running peak (from 0)
    peak_inventory: int         # 1e-9 base: the largest |inventory| sampled
    kill_switch: int | None     # kill-switch alerts; None when the result carries no alerts
    alerts: int | None
    fills: int
    events: int


@dataclass(frozen=True)
class ScenarioFigures:
    scenario: str
    seeds: tuple[int, ...]
    pnl_mean: int               # floor of the mean over seeds
    pnl_worst: int
    max_drawdown: int           # worst over seeds
    peak_inventory: int         # largest over seeds
    kill_switch: int | None     # totals over seeds
    alerts: int | None


def run_figures(name: str, seed: int, result) -> RunFigures:
    """A backtest Result reduced to the stress figures."""
    peak = dd = inv_peak = equity = 0
    for _ts, equity, inventory, _mid in result.series:
        peak = max(peak, equity)
        dd = max(dd, peak - equity)
        inv_peak = max(inv_peak, abs(inventory))
    alerts = getattr(result, "alerts", None)
    kills = None
    if alerts is not None:
        kills = sum(1 for a in alerts if _kind(a) == "kill_switch")
    return RunFigures(name, seed, equity, dd, inv_peak, kills,
                      None if alerts is None else len(alerts), len(result.fills), result.events)


def summarise(runs: list[RunFigures]) -> list[ScenarioFigures]:
    """One row per scenario, in the order the runs came."""
    by: dict[str, list[RunFigures]] = {}
    for r in runs:
        by.setdefault(r.scenario, []).append(r)
    out = []
    for name, rs in by.items():
        pnls = [r.pnl for r in rs]
        out.append(ScenarioFigures(
            name, tuple(r.seed for r in rs), sum(pnls) // len(pnls), min(pnls),
            max(r.max_drawdown for r in rs), max(r.peak_inventory for r in rs),
            _total(r.kill_switch for r in rs), _total(r.alerts for r in rs)))
    return out


MAX_SEEDS = 1000


def run_stress(config: dict, *, seeds: int = 3, duration_ns: int = 60 * SECOND,
               scenarios: list[str] | None = None, scenario_params: dict | None = None,
               overrides: dict[str, str] | None = None, run=None,
               on_run=None) -> tuple[list[RunFigures], list[ScenarioFigures]]:
    """Backtest `config` on each scenario (all by default) with seeds 1..`seeds`.
    `run(**spec_fields)` does one backtest (default: mm.backtest.run.run_backtest on a
    Spec of those fields); `on_run(done, total, figures)` follows each one."""
    from .backtest.run import MAX_DURATION
    if not 1 <= seeds <= MAX_SEEDS:
        raise ValueError(f"seeds must be from 1 to {MAX_SEEDS}")
    if not 0 < duration_ns <= MAX_DURATION:
        raise ValueError(f"duration must be positive and at most {number(MAX_DURATION // SECOND)} s")
    names = list(scenarios) if scenarios else list(SCENARIOS)
    params = scenario_params or {}
    for name in names:
        scenario(name).values(params.get(name))     # fail before any run on a bad name/param
    unknown = set(params) - set(names)
    if unknown:
        raise ValueError(f"parameters for scenarios not run: {', '.join(sorted(unknown))}")
    run = run or _backtest
    total, runs = len(names) * seeds, []
    for name in names:
        for seed in range(1, seeds + 1):
            result = run(config=config, overrides=dict(overrides or {}), scenario=name,
                         scenario_params=dict(params.get(name, {})), seed=seed,
                         duration_ns=duration_ns)
            runs.append(run_figures(name, seed, result))
            if on_run is not None:
                on_run(len(runs), total, runs[-1])
    return runs, summarise(runs)


def as_json(runs: list[RunFigures], rows: list[ScenarioFigures]) -> dict:
    """Decimal strings for money and quantities, as at every edge."""
    return {"scenarios": [_texts(asdict(r)) for r in rows],
            "runs": [_texts(asdict(r)) for r in runs]}


def _texts(d: dict) -> dict:
    for key in ("pnl", "pnl_mean", "pnl_worst", "max_drawdown"):
        if key in d:
            d[key] = fmt_amount(d[key])
    d["peak_inventory"] = fmt(d["peak_inventory"])
    if "seeds" in d:
        d["seeds"] = list(d["seeds"])
    return d


def _kind(alert) -> str | None:
    return alert.get("kind") if isinstance(alert, dict) else getattr(alert, "kind", None)


def _total(values) -> int | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def _backtest(**fields):
    from .backtest.run import Spec, run_backtest     # bt-core's; imported when first needed
    return run_backtest(Spec(**fields))
