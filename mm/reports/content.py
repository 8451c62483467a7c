"""What a report holds, built from a stored run (db.backtests.run with its result): what
ran, the figure lines in reading order, and exact series for the charts.

Series values stay decimal strings (equity and drawdown in the quote asset, inventory in
the base asset, markouts in price units); charts turn them into floats for drawing only.
"""
import json
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import NamedTuple

from souq.engine.numbers import parse_price
from souq.mm.analytics.trading import markouts

from .lines import figure_lines
from souq.mm.display import asset_decimals

MARKOUT_CURVE_S = (1, 2, 5, 10, 20, 30, 60)     # horizons of the markout chart


class _Fill(NamedTuple):
    ts: int
    side: str
    qty: int


@dataclass(frozen=True)
class Chart:
    """One curve: x values (seconds) and y values as exact decimal strings."""
    key: str
    title: str
    x_label: str
    xs: tuple
    ys: tuple

    def floats(self) -> tuple[list[float], list[float]]:
        return [float(x) for x in self.xs], [float(Decimal(y)) for y in self.ys]


@dataclass(frozen=True)
class Report:
    run: dict                   # what ran: RUN_KEYS
    figures: dict               # as mm.analytics.figures gave them
    lines: tuple                # (section, label, value text)
    charts: tuple               # Chart: equity, drawdown, inventory, markouts

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)

    def plain(self) -> dict:
        """The JSON form: what ran, the figures, the figure lines and every series."""
        return {"run": self.run, "figures": self.figures,
                "lines": [list(x) for x in self.lines],
                "series": {c.key: {"title": c.title, "x": list(c.xs), "y": list(c.ys)}
                           for c in self.charts}}


RUN_KEYS = ("id", "config", "version", "template", "symbol", "data", "scenario",
            "scenario_params", "start_ts", "end_ts", "duration_ns", "seed", "latency_ns",
            "overrides", "events", "code_version")


def build(row: dict, symbols=()) -> Report:
    """`row` is a stored run with its result text (db.backtests.run(..., with_result=True));
    `symbols` (the symbol rows, db.queries.symbols) give its assets' precisions, so money
    reads at the quote's places (IRR whole units); without them, 2 and 4 places."""
    result = json.loads(row["result"])
    run = {k: row[k] for k in RUN_KEYS} | {"models": row.get("models")}   # None: not recorded
    run |= {"stopped": result.get("stopped", ""), "reason": result.get("reason", ""),
            "fills": len(result["fills"]), "orders": len(result["orders"])}
    base, quote = _assets(row["symbol"])
    series = result["series"]
    t0 = series[0][0] if series else 0
    xs = tuple(_seconds(s[0] - t0) for s in series)
    equity = tuple(s[1] for s in series)
    charts = (
        Chart("equity", f"Equity ({quote})", "seconds", xs, equity),
        Chart("drawdown", f"Drawdown ({quote})", "seconds", xs, drawdown(equity)),
        Chart("inventory", f"Inventory ({base})", "seconds", xs, tuple(s[2] for s in series)),
        _markout_chart(result, row["symbol"], base, quote),
    )
    return Report(run, row["figures"], tuple(figure_lines(row["figures"], base, quote,
                                                          **_places(base, quote, symbols))),
                  charts)


def _places(base: str, quote: str, symbols) -> dict:
    """figure_lines' quote_dp and base_dp from the symbol rows that name the assets."""
    rows = list(symbols)
    names = {a for s in rows for a in (s["base"], s["quote"])}
    out = {}
    if quote in names:
        out["quote_dp"] = asset_decimals(quote, rows)
    if base in names:
        out["base_dp"] = asset_decimals(base, rows)
    return out


def drawdown(equity) -> tuple:
    """Each point's distance below the highest equity so far (0 or negative), exact."""
    out, peak = [], None
    with localcontext(prec=80):
        for text in equity:
            e = Decimal(text)
            peak = e if peak is None or e > peak else peak
            out.append(_text(e - peak))
    return tuple(out)


def _markout_chart(result: dict, symbol: str, base: str, quote: str) -> Chart:
    """Mean signed mid move after the strategy's fills, by horizon (adverse selection
    when negative); horizons with no fill counted are left out."""
    fills = [_Fill(f["ts"], f["side"], parse_price(f["qty"], "qty"))
             for f in result["fills"] if f["symbol"] == symbol]
    mids = [(ts, parse_price(m)) for ts, m in result["mids"]]
    ends = [x[-1][0] for x in (result["series"], result["mids"]) if x]
    end = max(ends + [f.ts for f in fills[-1:]], default=0)
    curve = markouts(sorted(fills), mids, end, MARKOUT_CURVE_S)
    xs, ys = [], []
    for h in MARKOUT_CURVE_S:
        mean = curve[h]["mean"]
        if mean is not None:
            xs.append(h)
            with localcontext(prec=80):
                ys.append(_text(Decimal(mean.numerator) / mean.denominator / 10**9, 9))
    return Chart("markouts", f"Markout: mean mid move after a fill ({quote}/{base})",
                 "seconds after the fill",
                 tuple(xs), tuple(ys))


def _assets(symbol: str) -> tuple[str, str]:
    base, _, quote = symbol.partition("-")
    return base, quote or "quote"


def _seconds(ns: int) -> str:
    return _text(Decimal(ns) / 10**9)


def _text(value: Decimal, dp: int | None = None) -> str:
    """A plain decimal string with no exponent and no trailing zeros."""
    if dp is not None:
        value = value.quantize(Decimal(1).scaleb(-dp))
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
