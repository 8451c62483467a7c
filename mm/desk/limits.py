"""Desk-wide limits: a net inventory cap per asset over every running strategy together.

Per-strategy limits live in each configuration; this one protects the desk from several
strategies each inside its own limit adding up to a position nobody chose.
"""
from souq.db import desk as D
from souq.db.load import to_int
from souq.engine.numbers import PRICE_DP, BadNumber, fmt, parse_fixed

from .configs import ConfigError


def limits(api) -> list[dict]:
    """Each limited asset with its cap and the desk's net inventory in it now."""
    caps = api.read(D.desk_limits)
    symbols = {s["name"]: s["base"] for s in api.symbols()}
    net: dict[str, int] = {}
    for r in api.read(D.active_inventories):
        base = symbols.get(r["symbol"])
        if base is not None and r["inventory"] is not None:
            net[base] = net.get(base, 0) + to_int(r["inventory"])
    return [{"asset": a, "max_inventory": cap, "net_inventory": fmt(net.get(a, 0))}
            for a, cap in sorted(caps.items())]


def set_limit(api, asset: str, text: str) -> str | None:
    """Set the asset's desk-wide max_inventory (`none` removes it); returns it normalised."""
    api.require_admin("set desk limits")
    bases = {s["base"] for s in api.symbols()}
    if asset not in bases:
        raise ConfigError(f"no symbol trades {asset!r} as its base asset; known: "
                          f"{', '.join(sorted(bases)) or 'none'}")
    if text.strip().lower() == "none":
        D.set_desk_limit(api.db, asset, None)
        return None
    try:
        value = parse_fixed(text.strip(), PRICE_DP, "max_inventory", positive=False)
    except BadNumber as exc:
        raise ConfigError(str(exc)) from None
    D.set_desk_limit(api.db, asset, fmt(value))
    return fmt(value)
