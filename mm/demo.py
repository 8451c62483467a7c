"""The demo exchange: realistic symbols, users and funded wallets, plus a seeded book.

Everything goes through the same exchange API as a person's commands.
"""
from decimal import Decimal

SYMBOLS = [
    {"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick_size": "100000",
     "qty_step": "0.0001", "min_qty": "0.0001", "max_qty": "10", "daily_limit": "0.1",
     "ref_price": "95000000000"},
    {"op": "symbol", "symbol": "USDT-IRR", "base": "USDT", "quote": "IRR", "tick_size": "10",
     "qty_step": "0.01", "min_qty": "1", "max_qty": "1000000", "daily_limit": "0.05",
     "ref_price": "950000"},
    {"op": "symbol", "symbol": "ETH-USDT", "base": "ETH", "quote": "USDT", "tick_size": "0.01",
     "qty_step": "0.0001", "min_qty": "0.001", "max_qty": "1000", "daily_limit": "0.1",
     "ref_price": "3500"},
]

#: the demo's own trader: the workstation acts as this user on a database that has it,
#: unless told otherwise (`--as`); elsewhere it acts as the operator
DEMO_TRADER = "alice"
USERS = [("bank-a", "trader"), (DEMO_TRADER, "trader"), ("bob", "trader"), ("carol", "trader"),
         ("maker1", "market_maker"), ("maker2", "market_maker")]

FUNDS = {"IRR": "50000000000000", "BTC": "20", "USDT": "500000", "ETH": "200"}


def demo_commands() -> list[dict]:
    """The stream that builds the demo exchange, in order."""
    cmds = list(SYMBOLS)
    for name, role in USERS:
        cmds.append({"op": "user", "user": name, "role": role})
        for asset, amount in FUNDS.items():
            cmds.append({"op": "deposit", "user": name, "asset": asset, "amount": amount})
    for spec in SYMBOLS:
        cmds += _ladder(spec, "maker1", levels=8)
    return cmds


def _ladder(spec: dict, user: str, levels: int) -> list[dict]:
    """A symmetric resting ladder around the reference price, a few ticks apart."""
    ref, tick = Decimal(spec["ref_price"]), Decimal(spec["tick_size"])
    qty0 = Decimal(spec["min_qty"]) * 10
    out = []
    for i in range(1, levels + 1):
        for side, sign in (("buy", -1), ("sell", 1)):
            price = ref + sign * tick * 5 * i
            out.append({"op": "limit", "id": f"demo-{spec['symbol']}-{side}-{i}", "user": user,
                        "symbol": spec["symbol"], "side": side, "price": f"{price:f}",
                        "qty": f"{qty0 * i:f}"})
    return out


def demo_flow(rng_seed: int = 7, count: int = 12) -> list[dict]:
    """A few retail orders against the demo book: some rest, some take liquidity."""
    import random
    rng = random.Random(rng_seed)
    spec = SYMBOLS[0]
    ref, tick = Decimal(spec["ref_price"]), Decimal(spec["tick_size"])
    out = []
    for _ in range(count):
        user = rng.choice(["alice", "bob", "carol", "bank-a"])
        side = rng.choice(["buy", "sell"])
        qty = f"{Decimal(rng.randint(1, 30)) / 1000:f}"
        if rng.random() < 0.3:
            out.append({"op": "market", "user": user, "symbol": spec["symbol"], "side": side,
                        "qty": qty})
        else:
            offset = tick * rng.randint(-12, 12)
            out.append({"op": "limit", "user": user, "symbol": spec["symbol"], "side": side,
                        "price": f"{ref + offset:f}", "qty": qty})
    return out
