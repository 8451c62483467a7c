"""The simulator's own traders: who they are and the commands that make them exist and
keep them funded. Pure: it reads an exchange in memory and returns stream commands, so
running it twice changes nothing the second time."""
from souq.engine.model import AVAIL, HELD, TRADER
from souq.engine.numbers import AMOUNT_SCALE, MAX_AMOUNT_WHOLE, QTY_TO_AMOUNT, fmt_amount

from . import grid
from .params import SimParams
from souq.mm.view import SymbolView

PREFIX = "sim-"
FUNDED_ORDERS = 100_000   # a wallet holds this many of the largest orders on either side
CEILING = MAX_AMOUNT_WHOLE // 10 * AMOUNT_SCALE   # well inside what a deposit may carry


def participants(params: SimParams) -> list[tuple[str, str]]:
    """(user, kind) for every agent, in a fixed order."""
    out = []
    for kind, count in (("noise", params.noise_traders), ("informed", params.informed_traders),
                        ("momentum", params.momentum_traders)):
        out += [(f"{PREFIX}{kind}-{i}", kind) for i in range(1, count + 1)]
    return out


def targets(params: SimParams, views: dict[str, SymbolView], ex) -> dict[str, int]:
    """Generous wallet sizes per asset (1e-18 units), from every traded symbol's largest
    order at its highest allowed price."""
    want: dict[str, int] = {}
    for name, sv in views.items():
        anchor = sv.anchor
        if anchor is None:
            continue
        spec = sv.spec
        qty = grid.lots(sv, params.max_lots * 2) * FUNDED_ORDERS
        hi = spec.price_range()[1]
        top = hi if hi is not None else anchor * 2
        want[spec.base] = want.get(spec.base, 0) + qty * QTY_TO_AMOUNT
        want[spec.quote] = want.get(spec.quote, 0) + qty * top
    return {asset: min(amount, CEILING) for asset, amount in want.items()}


def participant_commands(ex, params: SimParams, views: dict[str, SymbolView]) -> list[dict]:
    """Create missing participants as traders; top up any wallet below half its target."""
    want = targets(params, views, ex)
    out: list[dict] = []
    for user, _kind in participants(params):
        u = ex.users.get(user)
        if u is None:
            out.append({"op": "user", "user": user, "role": TRADER})
        for asset in sorted(want):
            w = u.wallets.get(asset) if u is not None else None
            have = w[AVAIL] + w[HELD] if w else 0
            if have < want[asset] // 2:
                out.append({"op": "deposit", "user": user, "asset": asset,
                            "amount": fmt_amount(want[asset] - have)})
    return out
