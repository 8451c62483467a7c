"""The exchange a backtest runs on: the demo exchange in memory, plus the strategy's user
(created and funded like the demo's makers when the demo lacks it)."""
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command
from souq.mm.demo import FUNDS, SYMBOLS, demo_commands

from .replay import BOOK, FLOW

PLENTY = {a: "1" + "0" * 20 for a in ("IRR", "BTC", "USDT", "ETH")}   # never run dry


def scenario_exchange(cfg: dict) -> Exchange:
    """The demo exchange (symbols, users, wallets, maker1's ladder) and the config's user."""
    return _build(demo_commands(), cfg)


def data_exchange(cfg: dict) -> Exchange:
    """The demo's symbols without their daily band (history wanders far from the demo's
    reference prices) and with min_qty at the qty step (a level's change is often smaller
    than the demo's minimum), no resting book; the config's user; BOOK and FLOW funded
    without limit. Fees and grid as the demo exchange has them."""
    symbols = []
    for spec in SYMBOLS:
        spec = {k: v for k, v in spec.items() if k not in ("daily_limit", "ref_price")}
        spec["min_qty"] = spec["qty_step"]
        symbols.append(spec)
    cmds = list(symbols)
    for user in (BOOK, FLOW):
        cmds.append({"op": "user", "user": user, "role": "trader"})
        cmds += [{"op": "deposit", "user": user, "asset": a, "amount": v}
                 for a, v in PLENTY.items()]
    return _build(cmds, cfg)


def _build(cmds: list[dict], cfg: dict) -> Exchange:
    names = {c["symbol"] for c in cmds if c["op"] == "symbol"}
    if cfg["symbol"] not in names:
        raise ValueError(f"symbol {cfg['symbol']!r} is not on the backtest exchange; "
                         f"known: {', '.join(sorted(names))}")
    users = {c["user"] for c in cmds if c["op"] == "user"}
    if cfg["user"] not in users:
        cmds = cmds + [{"op": "user", "user": cfg["user"], "role": "market_maker"}] + [
            {"op": "deposit", "user": cfg["user"], "asset": a, "amount": v}
            for a, v in FUNDS.items()]
    ex = Exchange()
    for c in cmds:
        reason = ex.apply(parse_command(c, extended=True), 0).reason
        if reason is not None:
            raise ValueError(f"backtest exchange set-up failed: {reason}")
    return ex
