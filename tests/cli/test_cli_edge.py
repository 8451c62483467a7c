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


