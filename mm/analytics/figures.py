"""Every run metric of a backtest result, as JSON-ready values.

Money as Decimal strings (quote asset, exact to 1e-18), prices and quantities as Decimal
strings (1e-9), ratios as floats rounded to 10 significant digits; the same result gives the same dict.
"""
from fractions import Fraction

from souq.engine.numbers import AMOUNT_DP, PRICE_DP, fmt

from . import legs as L
from . import pnl as P
from . import risk as R
from . import trading as T
from .series import Step

RATIO_DIGITS = 10


def figures(result) -> dict:
    """`result` has .fills (ts, side, price, qty, fee), .orders (dicts with qty, filled,
    status), .series ((ts, equity 1e-18, inventory 1e-9, mark 1e-9 | None): the equity
    valued at the mark) and .mids ((ts, mid): the mid's changes, own orders left out). When it also has .spec with the configuration's symbol, only that symbol's
    fills count in the figures of its symbol (the mids are its mids); fills in other
    symbols, such as a hedger's, are counted in `other_fills` and, when the result also
    has .markets (name -> (base, quote, mark)), valued leg by leg in `hedge_legs`,
    converted into the own quote asset, and added up with the own leg in `pnl_all_legs`
    (None with `pnl_all_legs_note` saying why when a leg cannot be converted)."""
    own = _symbol(result)
    every = sorted(result.fills, key=lambda f: f.ts)
    fills = [f for f in every if own is None or f.symbol == own]
    series, mids = list(result.series), list(result.mids)
    steps = Step(mids)      # the mid looked up by time: built once for every reader
    mark = _mark(series, steps, fills)
    end = max([x[-1][0] for x in (series, mids) if x] + [f.ts for f in fills[-1:]], default=0)
    position = P.average_cost(fills, mark)
    split = P.attribution(fills, steps, mark)
    ts = [s[0] for s in series]
    equity = [s[1] for s in series]
    per = R.period_pnl(equity)
    per_year = R.periods_per_year(ts)
    short = R.too_short(ts)
    dd, dd_ns = R.drawdown(ts, equity)
    inv = T.inventory_stats([s[2] for s in series])
    ratio = T.fill_ratio(result.orders)
    impact = T.market_impact(fills, steps, observed=getattr(result, "observed", False))
    capital = T.capital_usage(fills, series)
    hedge = _hedge(result, every, own, mark, position.total)
    return {
        **hedge,
        "fills": len(fills),
        "other_fills": len(every) - len(fills),
        "orders": len(result.orders),
        "pnl": {"realised": money(position.realised), "unrealised": money(position.unrealised),
                "fees": money(position.fees), "total": money(position.total),
                "mark": price(mark) if mark is not None else None},
        "attribution": {k: money(v) for k, v in split.items()},
        "sharpe": None if short else ratio_of(R.sharpe(per, per_year)),
        "sortino": None if short else ratio_of(R.sortino(per, per_year)),
        "calmar": None if short else ratio_of(R.calmar(per, per_year, dd)),
        "ratios_note": short,
        "ratios_horizon": R.horizon(ts),
        "periods_per_year": ratio_of(per_year),
        "max_drawdown": money(dd),
        "max_drawdown_s": ratio_of(dd_ns / 1e9),
        "win_rate": ratio_of(T.win_rate(position.closes)),
        "average_trade_size": price(T.average_trade_size(fills)),
        "fill_ratio_qty": ratio_of(ratio["qty"]),
        "fill_ratio_orders": ratio_of(ratio["orders"]),
        "inventory": {"final": price(position.inventory), "mean": price(inv["mean"]),
                      "std": ratio_of(inv["std"] / 10**PRICE_DP if inv["std"] is not None
                                      else None),
                      "peak": price(inv["peak"])},
        "markouts": {f"{h}s": {"fills": m["fills"], "mean": price(m["mean"]),
                               "pnl": money(m["pnl"])}
                     for h, m in T.markouts(fills, steps, end).items()},
        "var_95": money(R.var(per, 0.95)),
        "var_99": money(R.var(per, 0.99)),
        "capital": {k: money(v) for k, v in capital.items()},
        "market_impact": {"fills": impact["fills"], "mean": price(impact["mean"]),
                          "mean_bps": ratio_of(impact["mean_bps"])},
    }


def _hedge(result, every, own, mark, own_total) -> dict:
    """The run's legs in other symbols (a hedger's hedges), each valued at its mark and
    converted into the own quote asset, and the PnL of all legs together; {} without
    other fills or without `result.markets` (name -> (base, quote, mark))."""
    markets = getattr(result, "markets", None)
    if own is None or not markets or all(f.symbol == own for f in every):
        return {}
    markets = {**markets, own: (*markets[own][:2], mark)}
    x = L.legs(every, own, markets)
    rows = [{"symbol": g["symbol"], "quote": g["quote"], "fills": g["fills"],
             "inventory": price(g["inventory"]), "mark": price(g["mark"]),
             "realised": money(g["realised"]), "unrealised": money(g["unrealised"]),
             "fees": money(g["fees"]), "total": money(g["total"]),
             "rate": None if g["rate"] is None else _fixed(g["rate"] * 10**18, AMOUNT_DP),
             "total_converted": money(g["total_converted"])} for g in x["legs"]]
    return {"hedge_legs": rows, "hedge_total": money(x["total"]),
            "pnl_all_legs": None if x["total"] is None else money(own_total + x["total"]),
            "pnl_all_legs_note": x["note"]}


def _symbol(result) -> str | None:
    spec = getattr(result, "spec", None)
    config = spec.get("config") if isinstance(spec, dict) else getattr(spec, "config", None)
    return config.get("symbol") if isinstance(config, dict) else None


def _mark(series, mids, fills) -> int | None:
    """The closing mark: the last sample's (the price its equity was valued at, see
    mm/desk/mark.py), else the last mid change, else the last fill's price. `mids` may
    be a Step of them."""
    step = Step((s[0], s[3]) for s in series) or Step.of(mids)
    if step:
        return step.last
    return fills[-1].price if fills else None


def _fixed(value, dp: int) -> str | None:
    """An integer or Fraction at 10**-dp as a plain decimal string, rounded half-even."""
    if value is None:
        return None
    return fmt(round(Fraction(value)), dp)


def money(value) -> str | None:
    return _fixed(value, AMOUNT_DP)


def price(value) -> str | None:
    return _fixed(value, PRICE_DP)


def ratio_of(value: float | None) -> float | None:
    return None if value is None else float(f"{float(value):.{RATIO_DIGITS}g}")
