"""souq.mm.display's additions for the CLI's words: counts with their nouns in the right
number, amounts never rounded away, rates as percentages; and a report's money at the
quote asset's own precision (IRR has none)."""
import pytest

from souq.mm.display import count, exact, percent, set_grouping, yes_no
from souq.mm.reports import build
from souq.mm.reports.content import _places

DEMO_SYMBOLS = [
    {"name": "BTC-IRR", "base": "BTC", "quote": "IRR", "tick_size": "100000",
     "qty_step": "0.0001"},
    {"name": "ETH-USDT", "base": "ETH", "quote": "USDT", "tick_size": "0.01",
     "qty_step": "0.0001"},
    {"name": "USDT-IRR", "base": "USDT", "quote": "IRR", "tick_size": "10", "qty_step": "0.01"},
]


@pytest.fixture(autouse=True)
def comma():
    set_grouping("comma")
    yield
    set_grouping("comma")


@pytest.mark.parametrize("n, noun, text", [
    (0, "episode", "0 episodes"), (1, "episode", "1 episode"), (2, "episode", "2 episodes"),
    (1, "journal entry", "1 journal entry"), (3, "journal entry", "3 journal entries"),
    (1, "day", "1 day"), (2, "day", "2 days"), (2, "match", "2 matches"),
    (1, "open order", "1 open order"), (1234567, "trade", "1,234,567 trades"),
    (None, "trade", "– trades"),
])
def test_count_pluralises_and_groups(n, noun, text):
    assert count(n, noun) == text


@pytest.mark.parametrize("value, dp, text", [
    ("1500", 2, "1,500.00"), ("1500.25", 2, "1,500.25"), ("0.125", 2, "0.125"),
    ("1000000.5", 0, "1,000,000.5"), ("50000000000000", 0, "50,000,000,000,000"),
    ("0", 4, "0.0000"), ("-1234.5", None, "-1,234.5"),
])
def test_exact_never_rounds_a_digit_away(value, dp, text):
    assert exact(value, dp) == text


def test_rates_and_flags():
    assert [percent(r, None) for r in ("0.001", "0.002", "0.1", "0.05", "0")] == \
        ["0.1%", "0.2%", "10%", "5%", "0%"]
    assert (yes_no(True), yes_no(False)) == ("yes", "no")


def test_a_report_shows_irr_without_decimals_and_usdt_with_two():
    assert _places("BTC", "IRR", DEMO_SYMBOLS) == {"quote_dp": 0, "base_dp": 4}
    assert _places("ETH", "USDT", DEMO_SYMBOLS) == {"quote_dp": 2, "base_dp": 4}
    assert _places("ETH", "DOGE", DEMO_SYMBOLS) == {"base_dp": 4}     # unknown: the defaults
    from test_reports import row
    figures = {"pnl": {"total": "-98214890.000000000000000009", "fees": "1234.1"},
               "inventory": {"final": "0.0125"}}
    stored = row(symbol="BTC-IRR", figures=figures)
    lines = {label: value for _, label, value in build(stored, DEMO_SYMBOLS).lines}
    assert lines["PnL total (IRR)"] == "-98,214,890"
    assert lines["Fees paid (IRR)"] == "1,234"
    assert lines["Inventory final (BTC)"] == "0.0125"
