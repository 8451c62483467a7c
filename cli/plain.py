"""Nested figures as lines a person reads: dotted keys, "-" for a value that is not there,
never a Python dict, list or None on screen (`souq backtest`, `souq runs show|compare`)."""


def flat(values: dict, prefix: str = "") -> list[tuple[str, object]]:
    """(dotted key, leaf value) for every leaf of `values`, in its order: {"pnl": {"total":
    "1"}} gives [("pnl.total", "1")]. An empty dict is one leaf."""
    out = []
    for k, v in values.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += flat(v, key + ".")
        else:
            out.append((key, v))
    return out


def text(value) -> str:
    """A leaf as text: "-" for None or an empty dict or list, a list comma-separated,
    booleans as yes/no, anything else as str."""
    if value is None or value == {} or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{k}={text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    return str(value)


def places(symbol: str | None, symbols) -> dict:
    """The decimal places of a run's money ({q}: the quote asset's precision) and
    quantities ({b}: the base asset's), from the exchange's symbol rows (mm.display), and
    the assets' names ("quote", "base") for the figures' units; empty when the symbol is
    not listed."""
    from souq.mm.display import asset_decimals
    rows = list(symbols)
    row = next((s for s in rows if s["name"] == symbol), None)
    if row is None:
        return {}
    return {"{q}": asset_decimals(row["quote"], rows), "{b}": asset_decimals(row["base"], rows),
            "quote": row["quote"], "base": row["base"]}


def figure(path: str, value, dps: dict) -> str:
    """A stored run's leaf as people read it: a figure (`figures.` paths, or the report's
    known paths) through mm.reports.lines.value_text (money at the quote's precision,
    grouped, ratios as %) followed by its unit (IRR, IRR/BTC, BTC, bps: unit_of) when the
    symbol is known, anything else as `text`."""
    from souq.mm.reports.lines import COUNTS, LABELS, MISSING, PERCENT, unit_of, value_text
    p = path.removeprefix("figures.")
    if value is None or isinstance(value, (bool, dict, list, tuple)):
        return text(value)
    if p in LABELS or p in PERCENT or p in COUNTS or p.startswith("markouts."):
        shown = value_text(value, p, dps)
        unit = unit_of(p, dps.get("base", ""), dps.get("quote", "")) if "quote" in dps else ""
        return f"{shown} {unit}" if unit and shown != MISSING else shown
    return text(value)
