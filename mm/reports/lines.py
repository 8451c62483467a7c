"""Every figure of a run as a labelled line, in reading order and grouped by section.

Known figures get a label with their unit; a figure this module does not know yet is
still shown, under "Other", labelled by its key, so a report never hides a number.
"""
SECTIONS = (
    ("PnL", ("pnl",)),
    ("Attribution", ("attribution",)),
    ("Risk", ("sharpe", "sortino", "calmar", "ratios_horizon", "ratios_note",
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
ORDER = ("total", "realised", "unrealised", "fees", "spread", "inventory", "mark", "final",
         "mean", "std", "peak", "fills", "pnl")
MISSING = "n/a"


def figure_lines(figures: dict, base: str, quote: str) -> list[tuple[str, str, str]]:
    """(section, label, value) for every leaf of `figures`."""
    out, seen = [], set()
    for section, keys in SECTIONS:
        for key in keys:
            if key in figures:
                seen.add(key)
                out += [(section, _label(path, base, quote), value)
                        for path, value in _leaves(key, figures[key])]
    for key in sorted(set(figures) - seen):
        out += [("Other", _label(path, base, quote), value)
                for path, value in _leaves(key, figures[key])]
    return out


def value_text(value) -> str:
    """A figure as shown: exact strings as stored, floats by repr, None as n/a."""
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _leaves(path: str, value):
    if isinstance(value, dict):
        for k in sorted(value, key=_rank):
            yield from _leaves(f"{path}.{k}", value[k])
    else:
        yield path, value_text(value)


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
        unit = {"mean": f" ({quote}/{base})", "pnl": f" ({quote})"}.get(parts[2], "")
        return f"Markout {parts[1]}: {parts[2]}{unit}"
    return " ".join(p.replace("_", " ") for p in parts)
