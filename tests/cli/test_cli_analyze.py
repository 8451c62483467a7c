"""`souq analyze` on the demo exchange, through the real console script."""
from decimal import Decimal


def test_analyze_demo_symbol_json_and_table(souq):
    souq.ok("demo")                         # the demo exchange plus a little retail flow
    f = souq.json("analyze", "BTC-IRR", "--size", "0.01")
    bid, ask = Decimal(f["bid"]), Decimal(f["ask"])
    assert bid < ask and Decimal(f["mid"]) == (bid + ask) / 2
    assert Decimal(f["spread"]) == ask - bid
    assert bid <= Decimal(f["microprice"]) <= ask
    buy = f["cost"]["buy"]
    assert f["size"] == "0.01" and buy["complete"] and Decimal(buy["filled"]) == Decimal("0.01")
    assert Decimal(buy["avg_price"]) >= ask and Decimal(buy["slippage"]) > 0
    levels = f["depth"]["sell"]
    assert levels[0]["price"] == f["ask"]
    assert [Decimal(r["qty"]) for r in levels] == sorted(Decimal(r["qty"]) for r in levels)
    assert f["trades"] > 0 and f["samples"] > 0 and f["spread_stats"]["samples"] > 0
    table = souq.ok("analyze", "BTC-IRR")
    assert "BTC-IRR analysis" in table and "microprice" in table and "resiliency" in table
    rows = {ln.split("│")[1].strip(): ln.split("│")[2].strip()
            for ln in table.splitlines() if ln.count("│") == 3}
    # prices at the tick's decimals (100,000: none), grouped; averages two places finer
    assert rows["bid"] == f"{int(bid):,}" and rows["ask"] == f"{int(ask):,}"
    # a mid shows the digits it has beyond the tick's (mm.display avg_price): "95,000,300,000"
    assert rows["mid"] == f"{(bid + ask) / 2:,.2f}".rstrip("0").rstrip(".")
    assert rows["trades"] == f"{f['trades']:,}"
    assert rows["rsi 14"] == ("–" if f["rsi_14"] is None else f"{Decimal(str(f['rsi_14'])):,.2f}")
    # a spread also in bps of the mid; a volatility as a percentage; a quantity's mean two
    # places finer than the step (0.0001), never every digit of the quotient
    spread_bps = (ask - bid) / ((ask + bid) / 2) * 10000
    assert rows["spread"] == f"{int(ask - bid):,} ({spread_bps:.2f} bps)"
    vol = Decimal(str(f["realised_volatility"])) * 100
    assert rows["realised volatility"] == f"{vol:.4f}%"
    assert rows["ofi"] == f"{Decimal(f['ofi']):,.4f}"
    for side in ("bid", "ask"):
        d = f["depth_stats"][side]
        mean = Decimal(d["mean"]).quantize(Decimal("0.000001")).normalize()
        mean = f"{mean:.{max(4, -mean.as_tuple().exponent)}f}"      # trailing zeros: the step's
        assert rows[f"top {side} qty"] == (f"mean {mean}, min {Decimal(d['min']):.4f}, "
                                           f"max {Decimal(d['max']):.4f}")


def test_analyze_bad_input_is_one_line(souq):
    souq.ok("init", "--demo")
    souq.fail_all([(("analyze", "NOPE"), None, "unknown symbol 'NOPE'"),
                   (("analyze", "BTC-IRR", "--size", "abc"), None, "--size 'abc'"),
                   (("analyze", "BTC-IRR", "--size", "0"), None, "--size must be positive")])


def test_analyze_an_empty_book(market):
    f = market.json("analyze", "BTC-IRR", "--size", "1")
    assert f["mid"] is None and f["microprice"] is None and f["trades"] == 0
    assert f["cost"]["buy"] == {"filled": "0", "notional": "0", "avg_price": None,
                                "slippage": None, "slippage_bps": None, "levels": 0,
                                "complete": False}
    assert f["rsi_14"] is None and f["resiliency"]["shocks"] == 0
