"""Every figure of a run as a labelled line, in reading order and grouped by section.

Known figures get a label with their unit; a figure this module does not know yet is
still shown, under "Other", labelled by its key, so a report never hides a number.
"""
SECTIONS = (
    ("PnL", ("pnl",)),
    ("Attribution", ("attribution",)),
    ("Risk", ("sharpe", "sortino", "calmar", "ratios_horizon", "periods_per_year", "ratios_note",
              "max_drawdown", "max_drawdown_s", "var_95", "var_99")),
    ("Trading", ("fills", "orders", "other_fills", "win_rate", "average_trade_size",
                 "fill_ratio_qty", "fill_ratio_orders", "market_impact")),
    ("Inventory", ("inventory", "capital")),
    ("Markouts", ("markouts",)),
)

# dotted path -> label; {q} is the quote asset, {b} the base asset
LABELS = {
    "pnl.total": "PnL total ({q})", "pnl.realised": "PnL realised ({q})",
    "pnl.unrealised": "PnL unrealised ({q})", "pnl.fees": "Fees paid ({q})",
    "pnl.mark": "Closing mark ({q}/{b})",
    "attribution.spread": "Spread capture ({q})",
    "attribution.inventory": "Inventory mark-to-market ({q})",
    "attribution.fees": "Fees ({q})", "attribution.total": "Total ({q})",
    "sharpe": "Sharpe (annualised)", "sortino": "Sortino (annualised)",
    "calmar": "Calmar (annualised)", "ratios_horizon": "Ratios' horizon",
    "periods_per_year": "Periods a year",
    "ratios_note": "Ratios not computed", "max_drawdown": "Max drawdown ({q})",
    "max_drawdown_s": "Max drawdown duration (s)", "var_95": "VaR 95% per second ({q})",
    "var_99": "VaR 99% per second ({q})",
    "fills": "Fills", "orders": "Orders", "other_fills": "Fills in other symbols",
    "win_rate": "Win rate", "average_trade_size": "Average trade size ({b})",
    "fill_ratio_qty": "Fill ratio (quantity)", "fill_ratio_orders": "Fill ratio (orders)",
    "market_impact.fills": "Impact: fills", "market_impact.mean": "Impact: mean ({q}/{b})",
    "market_impact.mean_bps": "Impact: mean (bps)",
    "inventory.final": "Inventory final ({b})", "inventory.mean": "Inventory mean ({b})",
    "inventory.std": "Inventory std ({b})", "inventory.peak": "Inventory peak ({b})",
    "capital.peak_exposure": "Capital peak exposure ({q})",
    "capital.peak_quote_used": "Capital peak quote used ({q})",
}
from souq.mm.display import number, percent, to_decimal  # noqa: E402  (after the tables)

ORDER = ("total", "realised", "unrealised", "fees", "spread", "inventory", "mark", "final",
         "mean", "std", "peak", "fills", "pnl")
MISSING = "n/a"


def figure_lines(figures: dict, base: str, quote: str, *, quote_dp: int = 2,
                 base_dp: int = 4) -> list[tuple[str, str, str]]:
    """(section, label, value text) for every leaf of `figures`, each value as people read
    it (mm.display): money at `quote_dp` places, quantities at `base_dp`, ratios as %,
    Sharpe-like figures at 2 places; the exact values stay in the JSON's figures."""
    out, seen = [], set()
    dps = {"{q}": quote_dp, "{b}": base_dp}
    for section, keys in [*SECTIONS, ("Other", sorted(set(figures) - {k for _, ks in SECTIONS
                                                                      for k in ks}))]:
        for key in keys:
            if key in figures and key not in seen:
                seen.add(key)
                out += [(section, _label(path, base, quote), value_text(value, path, dps))
                        for path, value in _leaves(key, figures[key])]
    return out


MARKOUT_UNITS = {"mean": "({q}/{b})", "pnl": "({q})"}    # markouts.<horizon>.<figure>
PERCENT = ("win_rate", "fill_ratio_qty", "fill_ratio_orders")
COUNTS = ("fills", "orders", "other_fills", "market_impact.fills", "periods_per_year")


def _labelled(path: str) -> str:
    """The label (or, for a markout, its unit) that names the unit of the figure at dotted
    `path`, {q} and {b} standing for the assets; "" when there is none."""
    return LABELS.get(path) or (MARKOUT_UNITS.get(path.rsplit(".", 1)[-1], "")
                                if path.startswith("markouts.") else "")


def unit_of(path: str, base: str, quote: str) -> str:
    """The unit a figure at dotted `path` is in, as its label gives it ("IRR", "IRR/BTC",
    "BTC", "s", "bps"), or "" for a count, ratio or percentage."""
    unit = _labelled(path)
    if path.endswith("_bps"):
        return "bps"
    if not unit.endswith(")") or "(" not in unit:
        return ""
    inner = unit[unit.rindex("(") + 1:-1]
    return "" if inner == "annualised" else inner.replace("{q}", quote).replace("{b}", base)


def value_text(value, path: str = "", dps: dict | None = None) -> str:
    """A figure as shown: money and quantities at their asset's places (by the unit in the
    label), ratios as %, bps at 1 place, counts grouped, other numbers at 2 places; None
    as n/a. Without a path: the value as stored."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not path or to_decimal(value) is None:
        return str(value)
    unit = _labelled(path)
    if path in PERCENT:
        return percent(value)
    if path in COUNTS or path.endswith(".fills"):
        return number(value, 0)
    if path.endswith("_bps"):
        return number(value, 1)
    for marker, dp in (dps or {}).items():
        if not marker.startswith("{"):
            continue                        # the assets' names (cli.plain.places)
        if unit.endswith(f"({marker})") or unit.endswith(f"({marker}/{{b}})"):
            return number(value, dp)
    return number(value, 0 if isinstance(value, int) else 2)


def _leaves(path: str, value):
    if isinstance(value, dict):
        for k in sorted(value, key=_rank):
            yield from _leaves(f"{path}.{k}", value[k])
    else:
        yield path, value


def _rank(key: str):
    """Known keys in ORDER; markout horizons by their seconds; the rest by name."""
    if key[:-1].isdigit() and key.endswith("s"):
        return (0, int(key[:-1]), "")
    return (1, ORDER.index(key) if key in ORDER else len(ORDER), key)


def _label(path: str, base: str, quote: str) -> str:
    if path in LABELS:
        return LABELS[path].format(b=base, q=quote)
    parts = path.split(".")
    if parts[0] == "markouts" and len(parts) == 3:
        unit = MARKOUT_UNITS.get(parts[2], "").format(q=quote, b=base)
        return f"Markout {parts[1]}: {parts[2]}{' ' + unit if unit else ''}"
    return " ".join(p.replace("_", " ") for p in parts)
