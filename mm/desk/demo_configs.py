"""One ready configuration of every strategy template in the demo database.

Each quotes a demo symbol as its own market-maker user (created and funded through the
exchange API after the demo market, so the visible market is unchanged) and ships at stage
paper, so a newcomer can `souq mm start NAME` at once; several run side by side.
`build(api)` makes the whole demo exchange: every place that creates one calls it.
"""
from souq.db import desk as D
from souq.db.demo import mark_demo

from ..demo import FUNDS, demo_commands
from .params import validate
from .strategy import templates

# Risk sized to each symbol: a few ladder levels of the demo book, losses of a few percent.
SIZING = {
    "BTC-IRR": {"max_inventory": "0.05", "max_order_size": "0.01", "max_loss": "100000000",
                "max_drawdown": "100000000"},
    "USDT-IRR": {"max_inventory": "2000", "max_order_size": "200", "max_loss": "40000000",
                 "max_drawdown": "40000000"},
    "ETH-USDT": {"max_inventory": "2", "max_order_size": "0.2", "max_loss": "150",
                 "max_drawdown": "150"},
}

# template: (configuration name, symbol, user, parameters beyond the sizing). Quote sizes
# are a couple of the demo ladder's first levels; the templates' own defaults do the rest.
# Spreads sit a couple of basis points from fair: the demo market's own touch is that
# tight, and a newcomer should see fills within seconds.
DEMO = {
    "fixed_spread": ("fixed-btc", "BTC-IRR", "mm-fixed", {
        "order_amount": "0.002", "bid_spread_bps": "2", "ask_spread_bps": "2"}),
    "vol_adaptive": ("vol-eth", "ETH-USDT", "mm-vol", {
        "order_amount": "0.05", "base_spread_bps": "2", "min_spread_bps": "1"}),
    "inventory_skew": ("skew-usdt", "USDT-IRR", "mm-skew", {
        "order_amount": "50", "spread_bps": "2", "skew_bps": "2"}),
    "layered": ("layered-btc", "BTC-IRR", "mm-layered", {
        "order_amount": "0.002", "level_spread_bps": "2", "level_step_bps": "2"}),
    "ping_pong": ("pingpong-eth", "ETH-USDT", "mm-pingpong", {
        "order_amount": "0.05", "spread_bps": "2"}),
    "avellaneda_stoikov": ("as-usdt", "USDT-IRR", "mm-as", {"order_amount": "50"}),
    "glft": ("glft-eth", "ETH-USDT", "mm-glft", {"order_amount": "0.05"}),
    "hedger": ("hedger-eth", "ETH-USDT", "mm-hedger", {
        "order_amount": "0.05", "bid_spread": "2", "ask_spread": "2",
        "hedge_symbol": "BTC-IRR", "hedge_ratio": "0.035"}),
}
STAGE = "paper"


def configurations() -> list[dict]:
    """The demo configuration of every registered template, parameters validated."""
    out = []
    for name, cls in templates().items():
        cfg_name, symbol, user, extra = DEMO.get(
            name, (name.replace("_", "-"), "BTC-IRR", "mm-" + name.replace("_", "-"), {}))
        params = validate(cls.spec(), {**SIZING[symbol], **extra})
        out.append({"name": cfg_name, "template": name, "symbol": symbol, "user": user,
                    "params": params})
    return out


def user_commands(cfgs: list[dict]) -> list[dict]:
    """Each configuration's market-maker user, funded like the demo's makers."""
    cmds = []
    for cfg in cfgs:
        cmds.append({"op": "user", "user": cfg["user"], "role": "market_maker"})
        cmds += [{"op": "deposit", "user": cfg["user"], "asset": asset, "amount": amount}
                 for asset, amount in FUNDS.items()]
    return cmds


def build(api):
    """The demo exchange with its strategy configurations, in an empty database; the
    exchange batch (its outcomes say whether every command was accepted)."""
    cfgs = configurations()
    batch = api.execute_many(demo_commands() + user_commands(cfgs))
    if all(o.reason is None for o in batch.outcomes):
        ts = api.clock()
        for cfg in cfgs:
            D.save_config(api.db, cfg["name"], cfg["template"], cfg["symbol"], cfg["user"],
                          cfg["params"], ts, stage=STAGE, note="demo")
        mark_demo(api.db)           # only a demo database may be reset or aged out
    return batch
