"""Issue 10 items 10-13 through the real CLI: huge, infinite and non-ASCII numbers, unknown
symbols and oversized grids are one-line errors that change nothing."""
import pytest


@pytest.mark.slow
def test_cli_mm_set_reproducers_change_nothing(desk_souq):
    before = desk_souq.json("mm", "show", "fixed-btc")
    desk_souq.fail_all([
        (["mm", "set", "fixed-btc", "stale_after=1e999999999"], None, "stale_after: "),
        (["mm", "set", "fixed-btc", "max_order_age=1e999999999"], None, "max_order_age: "),
        (["mm", "set", "fixed-btc", "hanging_cancel_pct=1e400"], None, "hanging_cancel_pct"),
        (["mm", "set", "fixed-btc", "moving_band_pct=1e999999"], None, "moving_band_pct"),
        (["mm", "set", "fixed-btc", "moving_band_pct=1e400"], None, "moving_band_pct"),
        (["mm", "set", "fixed-btc", "stop_loss_pct=1e400"], None, "stop_loss_pct"),
        (["mm", "set", "fixed-btc", "vol_circuit=1e309"], None, "vol_circuit"),
        (["mm", "set", "fixed-btc", "max_open_orders=١٢"], None, "max_open_orders"),
        (["mm", "set", "fixed-btc", "fair_source=cross", "fair_symbol=NOPE-X"], None,
         "fair_symbol: unknown symbol 'NOPE-X'"),
    ])
    assert desk_souq.json("mm", "show", "fixed-btc") == before




@pytest.mark.slow
def test_huge_ids_and_numbers_in_cli_options_are_one_line_errors(desk_souq):
    big = "99999999999999999999"
    scen = ["fixed-btc", "--scenario", "normal"]
    desk_souq.fail_all([
        (["runs", "show", big], None, f"RUN: {big} is out of range"),
        (["runs", "export", big, "out"], None, f"RUN: {big} is out of range"),
        (["runs", "delete", big], None, f"RUN: {big} is out of range"),
        (["runs", "compare", big, "1"], None, f"A: {big} is out of range"),
        (["report", big], None, f"RUN: {big} is out of range"),
        (["sim", "--duration", "inf", "--fast"], None,
         "'--duration': 'inf' is not a finite number in ASCII digits"),
        (["sim", "--volatility", "1e308", "--fast"], None, "--volatility: 1e+308 is out of"),
        (["sim", "--volatility", "2", "--fast"], None, "volatility must be from 0 to 1.0"),
        (["sim", "--rate", "inf", "--duration", "1"], None,
         "'--rate': 'inf' is not a finite number in ASCII digits"),
        (["sim", "--rate", "1e308"], None, "--rate: 1e+308 is out of range"),
        (["sim", "--rate", "1000000", "--duration", "1"], None, "rate must be from 0 to"),
        (["sim", "--rate", "1000", "--duration", "100000", "--fast"], None,
         "at most 10,000,000"),
        (["backtest", *scen, "--duration", "1e999999999"], None,
         "--duration: 1e999999999 is out of range"),
        (["backtest", *scen, "--duration", "1e99999"], None, "--duration: 1e99999 is out"),
        (["backtest", *scen, "--duration", "100000"], None, "above the maximum 86400"),
        (["backtest", *scen, "--latency", "1e999999999"], None, "--latency: 1e999999999"),
        (["backtest", *scen, "--set", "stale_after=1e999999999"], None, "stale_after: "),
        (["optimize", *scen, "--grid", "bid_spread_bps=0:1e400:3"], None,
         "1e400 is out of range"),
        (["optimize", *scen, "--grid", "bid_spread_bps=1:2:99999999999"], None,
         "a search has at most 10000 sets"),
        (["optimize", *scen, "--grid", "bid_spread_bps=1:2:100", "--grid",
          "ask_spread_bps=1:2:101"], None, "the grid has 10100 parameter sets; at most 10000"),
        (["optimize", *scen, "--grid", "bid_spread_bps=1:2:١٢"], None, "N: '١٢'"),
        (["stress", "fixed-btc", "--duration", "1e9"], None, "at most 86,400 s"),
    ])
    assert desk_souq.json("runs", "list") == []


@pytest.mark.slow
def test_data_import_refuses_huge_times_foreign_digits_and_unknown_symbols(desk_souq, tmp_path):
    def csv(name, *rows):
        path = tmp_path / name
        path.write_text("time,price,qty,side\n" + "".join(r + "\n" for r in rows))
        return str(path)
    imp = ["data", "import", "--kind", "trades"]
    desk_souq.fail_all([
        ([*imp, csv("a.csv", "9223372036854775808,100,1,buy"), "--name", "a", "--symbol",
          "BTC-IRR"], None, "a.csv line 2: time '9223372036854775808' is after 2262"),
        ([*imp, csv("b.csv", "9999-12-31T23:59:59Z,100,1,buy"), "--name", "b", "--symbol",
          "BTC-IRR"], None, "time '9999-12-31T23:59:59Z' is after 2262"),
        ([*imp, csv("c.csv", "٢٠٢٤-03-01T09:30:00Z,100,1,buy"), "--name", "c", "--symbol",
          "BTC-IRR"], None, "is neither integer nanoseconds nor ISO-8601"),
        ([*imp, csv("d.csv", "1,١٠٠,1,buy"), "--name", "d", "--symbol", "BTC-IRR"], None,
         "price '١٠٠' is not a plain decimal number"),
        ([*imp, csv("e.csv", "1,100,1,buy"), "--name", "e", "--symbol", "NOPE-X"], None,
         "unknown symbol 'NOPE-X'"),
    ])
    assert desk_souq.json("data", "list") == []
