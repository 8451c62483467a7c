"""Every run metric of a backtest result, as JSON-ready values.

Money as Decimal strings (quote asset, exact to 1e-18), prices and quantities as Decimal
strings (1e-9), ratios as floats rounded to 10 significant digits; the same result gives the same dict.
"""
from fractions import Fraction

from engine.numbers import AMOUNT_DP, PRICE_DP, fmt

from . import pnl as P
from . import risk as R
from . import trading as T
from .series import Step

RATIO_DIGITS = 10


def figures(result) -> dict:
    """`result` has .fills (ts, side, price, qty, fee), .orders (dicts with qty, filled,
    status), .series ((ts, equity 1e-18, inventory 1e-9, mark 1e-9 | None): the equity
    valued at the mark) and .mids ((ts, mid): the mid's changes, own orders left out). When it also has .spec with the configuration's symbol, only that symbol's
    fills count (the mids are its mids); fills in other symbols, such as a hedger's, are
    counted apart in `other_fills`, their PnL not judged here."""
    own = _symbol(result)
    every = sorted(result.fills, key=lambda f: f.ts)
    fills = [f for f in every if own is None or f.symbol == own]
    series, mids = list(result.series), list(result.mids)
    mark = _mark(series, mids, fills)
    end = max([x[-1][0] for x in (series, mids) if x] + [f.ts for f in fills[-1:]], default=0)
    position = P.average_cost(fills, mark)
    split = P.attribution(fills, mids, mark)
    ts = [s[0] for s in series]
    equity = [s[1] for s in series]
    per = R.period_pnl(equity)
    per_year = R.periods_per_year(ts)
    dd, dd_ns = R.drawdown(ts, equity)
    inv = T.inventory_stats([s[2] for s in series])
    ratio = T.fill_ratio(result.orders)
    impact = T.market_impact(fills, mids)
    capital = T.capital_usage(fills, series)
    return {
        "fills": len(fills),
        "other_fills": len(every) - len(fills),
        "orders": len(result.orders),
        "pnl": {"realised": money(position.realised), "unrealised": money(position.unrealised),
                "fees": money(position.fees), "total": money(position.total),
                "mark": price(mark) if mark is not None else None},
        "attribution": {k: money(v) for k, v in split.items()},
        "sharpe": ratio_of(R.sharpe(per, per_year)),
        "sortino": ratio_of(R.sortino(per, per_year)),
        "calmar": ratio_of(R.calmar(per, per_year, dd)),
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
                     for h, m in T.markouts(fills, mids, end).items()},
        "var_95": money(R.var(per, 0.95)),
        "var_99": money(R.var(per, 0.99)),
        "capital": {k: money(v) for k, v in capital.items()},
        "market_impact": {"fills": impact["fills"], "mean": price(impact["mean"]),
                          "mean_bps": ratio_of(impact["mean_bps"])},
    }


def _symbol(result) -> str | None:
    spec = getattr(result, "spec", None)
    config = spec.get("config") if isinstance(spec, dict) else getattr(spec, "config", None)
    return config.get("symbol") if isinstance(config, dict) else None


def _mark(series, mids, fills) -> int | None:
    """The closing mark: the last sample's (the price its equity was valued at, see
    mm/desk/mark.py), else the last mid change, else the last fill's price."""
    step = Step((s[0], s[3]) for s in series) or Step(mids)
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
