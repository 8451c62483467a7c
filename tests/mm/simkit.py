"""Shared by the simulator tests: exchanges built from a stream."""
from souq.engine.exchange import Exchange
from souq.engine.stream import parse_command

# A symbol with an awkward grid (tick 0.05, step 0.003, min 0.006) and a narrow 2 % band,
# so snapping and clamping are exercised on every order.
ODD = {"op": "symbol", "symbol": "ODD-USDT", "base": "ODD", "quote": "USDT",
       "tick_size": "0.05", "qty_step": "0.003", "min_qty": "0.006", "max_qty": "0.03",
       "daily_limit": "0.02", "ref_price": "12.35"}


def build(cmds) -> Exchange:
    ex = Exchange()
    for c in cmds:
        assert ex.apply(parse_command(c, extended=True)).reason is None, c
    return ex
