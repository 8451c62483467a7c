"""The one formatting module: grouped digits, tick/step/asset precision, %, bps, compact
units that are never wrong, and the grouping setting."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from souq.mm import display as D
from souq.mm.demo import SYMBOLS

ROWS = [{k: s[k] for k in ("tick_size", "qty_step", "base", "quote")} for s in SYMBOLS]


@pytest.fixture(autouse=True)
def _comma():
    D.set_grouping("comma")
    yield
    D.set_grouping("comma")


@pytest.mark.parametrize("value,dp,text", [
    (0, None, "0"), (999, None, "999"), (1000, None, "1,000"), (999_999, None, "999,999"),
    (10**6, None, "1,000,000"), (-320_893, None, "-320,893"), ("94999800000", 0, "94,999,800,000"),
    ("49999058120000", None, "49,999,058,120,000"), ("-0.0001", 2, "0.00"),
    ("-98214890.000000000000000009", 0, "-98,214,890"), ("0.000000001", None, "0.000000001"),
    ("3529.9", 2, "3,529.90"), ("3530.09", 2, "3,530.09"), (Decimal("2.5"), 0, "2"),
    (Decimal("3.5"), 0, "4"), ("-1234.5", 1, "-1,234.5"), ("1e3", None, "1,000"),
])
def test_number(value, dp, text):
    assert D.number(value, dp) == text


@pytest.mark.parametrize("value,text", [
    (999, "999"), (1000, "1.00k"), (-1000, "-1.00k"), (999_999, "1.00M"), (10**6, "1.00M"),
    (-320_893, "-321k"), (999_499, "999k"), (999_500, "1.00M"), (12_345, "12.3k"),
    (-1_250_000, "-1.25M"), (10**9, "1.00B"), (10**12, "1.00T"), ("0.5", "0.5"),
    (-999, "-999"), ("0.00001234", "0.00001234"), ("99999.99", "100k"), (99_950, "100k"),
    (9_999, "10.0k"), (9_994, "9.99k"),
])
def test_compact_units_at_the_boundaries(value, text):
    assert D.compact(value) == text


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_compact_is_within_half_a_unit_of_the_third_digit(n):
    text = D.compact(n)
    units = {"k": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
    if text[-1] in units:
        shown = Decimal(text[:-1]) * units[text[-1]]
        digits = len(str(int(abs(Decimal(text[:-1])))))
        half = Decimal(units[text[-1]]) / 2 * Decimal(10) ** -max(0, 3 - digits)
        assert abs(shown - n) <= half and (shown < 0) == (n < 0)
        assert abs(Decimal(text[:-1])) < 1000 or text[-1] == "T"
    else:
        assert text == D.number(n) and abs(n) < 1000


def test_fit_keeps_the_full_figure_when_it_fits():
    assert D.fit(320_893, 8) == "320,893"
    assert D.fit(-320_893, 7) == "-320.8k"


@pytest.mark.parametrize("value, width, text", [
    # a newcomer's Wallets pane showed 49,999,526,469,915.86 IRR as "50.0T": money that
    # is not there; a short figure is truncated toward zero, with every digit that fits
    ("49999526469915.86", 14, "49,999,526.46M"), ("50000000000000", 14, "50,000,000M"),
    ("-320893", 7, "-320.8k"), ("999999", 6, "999.9k"), ("999999", 4, "999k"),
    ("1000", 4, "1k"), ("-1999.99", 6, "-1.99k"), ("12345678", 8, "12,345k"), ("12345678", 9, "12,345.6k"),
])
def test_fit_truncates_toward_zero_with_every_digit_that_fits(value, width, text):
    assert D.fit(value, width) == text and len(text) <= width


@given(st.integers(min_value=-10**17, max_value=10**17), st.integers(min_value=6, max_value=24))
def test_fit_never_shows_more_than_there_is(n, width):
    text = D.fit(n, width)
    units = {"k": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}
    if text[-1] in units:
        shown = Decimal(text[:-1].replace(",", "")) * units[text[-1]]
        assert abs(shown) <= abs(n) and (shown < 0) == (n < 0)
        whole_t = D.number(int(Decimal(n) / 10**12)) + "T"     # too wide even in whole T
        assert len(text) <= width or text == whole_t
    else:
        assert Decimal(text.replace(",", "")) == n


def test_prices_and_quantities_keep_digits_finer_than_the_tick_or_step():
    """A refused order's typed qty 0.00001 at a 0.0001 step read "0.0000": a price or a
    quantity is never rounded to its tick or step for display, only padded to it."""
    f = D.Figures([{**r, "name": f"{r['base']}-{r['quote']}"} for r in ROWS])
    assert f.qty("BTC-IRR", "0.00001") == "0.00001"
    assert f.qty("BTC-IRR", "0.1") == "0.1000"
    assert f.price("BTC-IRR", "100001500") == "100,001,500"


def test_an_average_price_shows_only_the_digits_it_has_beyond_the_tick():
    f = D.Figures([{**r, "name": f"{r['base']}-{r['quote']}"} for r in ROWS])
    assert f.avg_price("BTC-IRR", "94438051000") == "94,438,051,000"
    assert f.avg_price("BTC-IRR", "94438051000.333333") == "94,438,051,000.33"


def test_grouping_styles():
    D.set_grouping("space")
    assert D.number(1234567) == "1\u2009234\u2009567"
    D.set_grouping("none")
    assert D.number("-1234567.5") == "-1234567.5"
    D.set_grouping("apostrophe")
    assert D.number(1234) == "1'234"
    with pytest.raises(ValueError, match="unknown grouping style 'dots'; choose one of comma"):
        D.set_grouping("dots")


def test_ratios_and_basis_points():
    assert D.percent(0.4480874317) == "44.81%"
    assert D.percent("-0.5") == "-50.00%"
    assert D.bps(Decimal("3.25")) == "3.2 bps"
    assert D.spread_bps("99", "101") == Decimal(200)
    assert D.distance_bps("101", "100") == Decimal(100)
    assert D.spread_bps(None, "1") is None and D.percent(None) == D.MISSING
    assert D.ratio(-9.642629899193760562) == "-9.64"


def test_market_precision_from_the_demo_symbols():
    btc, eth = (D.Market.of(r, ROWS) for r in (ROWS[0], ROWS[2]))
    assert (btc.price_dp, btc.qty_dp, btc.quote_dp, btc.base_dp) == (0, 4, 0, 4)
    assert eth.price("3529.9") == "3,529.90" and eth.price("3530.09") == "3,530.09"
    assert eth.money("-9.642629899193760562") == "-9.64"
    assert btc.price("94999800000") == "94,999,800,000" and btc.qty("0.5") == "0.5000"
    assert D.asset_decimals("USDT", ROWS) == 2 and D.asset_decimals("XYZ", ROWS) == 8
    assert D.money("49999058120000", "IRR", ROWS) == "49,999,058,120,000"


def test_text_that_is_not_a_number_shows_as_missing():
    assert D.number("abc") == D.MISSING and D.number(None) == D.MISSING
    assert D.number(float("nan")) == D.MISSING and D.compact("inf") == D.MISSING


def test_basis_points_never_round_a_real_spread_to_nothing():
    # 1 tick of 100,000 at a mid of 95,060,850,000 is 0.0105 bps: "0.0 bps" says no spread
    from souq.mm.display import bps
    assert [bps(Decimal(v)) for v in ("0.0105", "0.05", "0.049", "0.105", "3.24", "0")] == [
        "0.010 bps", "0.050 bps", "0.049 bps", "0.1 bps", "3.2 bps", "0.0 bps"]
    assert bps(Decimal("-0.004")) == "-0.0040 bps"


def test_a_fee_is_shown_rounded_up_as_the_exchange_charges_it():
    # a newcomer's ticket said "fee 60 IRR" for a fill the exchange charged 61 (the
    # operator had set IRR to whole rials: ledger places 0)
    from souq.mm.display import Figures
    f = Figures([{"name": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick_size": "1",
                  "qty_step": "0.0001"}], {"IRR": 0})
    assert (f.fee("IRR", "60.002"), f.money("IRR", "60.002")) == ("61", "60")
    assert f.fee("IRR", "60") == "60"


@pytest.mark.parametrize("text, shown", [
    ("price 106000000 is outside the daily band 95000000-105000000",
     "price 106,000,000 is outside the daily band 95,000,000-105,000,000"),
    ("insufficient available IRR: needs 5010000000, has 1990080200.5",
     "insufficient available IRR: needs 5,010,000,000, has 1,990,080,200.5"),
    ("qty 0.00015 is not a multiple of the step 0.0001",
     "qty 0.00015 is not a multiple of the step 0.0001"),
    ("0..1000000000000000 or none", "0..1,000,000,000,000,000 or none"),
    ("-1000000..5000", "-1,000,000..5,000"),
    ("qty '12345' typed, 1e3 and '1000000'", "qty '12345' typed, 1e3 and '1000000'"),
    ("order demo-buy-12345 #12345 at 2026-12-01 09:30:00 in /tmp/a12345/1234.db",
     "order demo-buy-12345 #12345 at 2026-12-01 09:30:00 in /tmp/a12345/1234.db"),
    ("at 100000000.", "at 100,000,000."),
    ("runner process 4263 is gone at seq 12345, run 1234, order 98765, seed 4069841882",
     "runner process 4263 is gone at seq 12345, run 1234, order 98765, seed 4069841882"),
])
def test_grouped_text_groups_bare_numbers_only(text, shown):
    assert D.grouped_text(text) == shown


def test_a_balance_keeps_every_digit_the_exchange_holds():
    """Figures.balance (wallets, ledger, the ticket's available): at least the asset's
    precision, more when the ledger holds more; compact only when a width forces it,
    while Figures.money (PnL, values) rounds to the precision."""
    f = D.Figures([{**r, "name": f"{r['base']}-{r['quote']}"} for r in ROWS])
    assert f.balance("IRR", "285001.5") == "285,001.5"
    assert f.money("IRR", "285001.5") == "285,002"
    assert f.balance("IRR", "30") == "30"
    assert f.balance("USDT", "1500") == "1,500.00"
    assert f.balance("BTC", "0.00012345") == "0.00012345"
    assert f.balance("IRR", "50000000001000.5", 14) == "50,000,000M"
    assert f.balance("IRR", "50000000001000.5", 15) == "50,000,000,001k"
    assert f.balance("IRR", "50000000001000.5", 20) == "50,000,000,001,000.5"


def test_a_fee_reads_as_the_ledger_charges_it():
    """Figures.fee: rounded up to the ledger precision the exchange charges at (engine
    fees.py: the asset's precision once the operator set one, else 18 places), then shown
    with every digit left: never rounded up to the display's precision."""
    rows = [{**r, "name": f"{r['base']}-{r['quote']}"} for r in ROWS]
    assert D.Figures(rows).fee("IRR", "19000.1") == "19,000.1"
    assert D.Figures(rows, {"IRR": 0}).fee("IRR", "19000.1") == "19,001"
    assert D.Figures(rows, {"IRR": 2}).fee("IRR", "19000.123") == "19,000.13"
    assert D.Figures(rows).fee("USDT", "3") == "3.00"
    assert D.Figures(rows).fee("IRR", "1900400000000000.000000000000000001") == \
        "1,900,400,000,000,000.000000000000000001"
    # a balance of 32 significant digits keeps them all (Decimal's default 28 would not)
    assert D.Figures(rows).balance("IRR", "50000000000000.000000000000000001") == \
        "50,000,000,000,000.000000000000000001"
