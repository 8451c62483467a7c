"""A seeded, deterministic order stream in the order-stream format (JSON Lines).

One symbol, funded users, then limit / market / cancel commands placed near the touch
of a slowly wandering mid price, so orders rest, trade and get cancelled.
"""
import json
import random

SYMBOL = "BTC-IRR"
TICK = 1000                      # IRR
MID = 100_000_000                # IRR per BTC


def users(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(n)]


def setup(names, *, symbol: bool = True) -> list[dict]:
    """The symbol, the users and their deposits."""
    out = []
    if symbol:
        out.append({"op": "symbol", "symbol": SYMBOL, "base": "BTC", "quote": "IRR",
                    "tick_size": str(TICK), "qty_step": "0.0001", "max_qty": "100"})
    for name in names:
        out.append({"op": "user", "user": name})
        out.append({"op": "deposit", "user": name, "asset": "BTC", "amount": "1000"})
        out.append({"op": "deposit", "user": name, "asset": "IRR", "amount": "100000000000"})
    return out


def orders(names, n: int, seed: int, tag: str = "o") -> list[dict]:
    """n order commands: ~65 % limit near the touch, ~15 % market, ~20 % cancel."""
    rnd = random.Random(seed)
    mid = MID
    live: list[tuple[str, str]] = []      # (user, id) that may still rest
    out = []
    for i in range(n):
        mid += rnd.choice((-1, 0, 1)) * TICK
        user = rnd.choice(names)
        r = rnd.random()
        qty = f"{rnd.randint(1, 50) / 10000:.4f}"
        side = rnd.choice(("buy", "sell"))
        oid = f"{tag}{i}"
        if r < 0.20 and live:
            owner, cid = live.pop(rnd.randrange(len(live)))
            out.append({"op": "cancel", "id": cid, "user": owner})
            continue
        if r < 0.35:
            out.append({"op": "market", "id": oid, "user": user, "symbol": SYMBOL,
                        "side": side, "qty": qty})
            continue
        # a buy a few ticks either side of the mid: some cross, most rest
        offset = rnd.randint(-3, 5) * TICK
        price = mid - offset if side == "buy" else mid + offset
        cmd = {"op": "limit", "id": oid, "user": user, "symbol": SYMBOL, "side": side,
               "price": str(price), "qty": qty}
        if rnd.random() < 0.1:
            cmd["tif"] = "ioc"
        out.append(cmd)
        live.append((user, oid))
        if len(live) > 400:
            live.pop(0)
    return out


def write(path, commands) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for c in commands:
            fh.write(json.dumps(c, separators=(",", ":")) + "\n")
