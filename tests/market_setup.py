"""The stream that builds the market most CLI, database and gateway tests start from."""

MARKET_SETUP = [
    {"op": "symbol", "symbol": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick_size": "1000",
     "qty_step": "0.0001", "min_qty": "0.0001", "max_qty": "100", "daily_limit": "0.05",
     "ref_price": "100000000", "maker_fee": "0.001", "taker_fee": "0.002"},
    *({"op": "user", "user": name} for name in ("alice", "bob", "carol")),
    *({"op": "deposit", "user": name, "asset": asset, "amount": amount}
      for name in ("alice", "bob", "carol")
      for asset, amount in (("BTC", "10"), ("IRR", "2000000000"))),
]
