"""tui/compact.py, the inventory pane's short figures (issue 12 item 6): the magnitude is
never wrong (-320,893 used to show as -32.1k) and every result fits 7 characters."""
import pytest

from tui.compact import compact

CASES = [
    ("999", "999"), ("1000", "1k"), ("999999", "1M"), ("1000000", "1M"),
    ("-320893", "-321k"), ("-999", "-999"), ("-1000", "-1k"), ("-999999", "-1M"),
    ("1500", "1.5k"), ("999499", "999k"), ("999500", "1M"), ("1234567", "1.23M"),
    ("12345678901", "12.3B"), ("-45600000000000", "-45.6T"), ("1000000000000000", "1e15"),
    ("0", "0"), ("0.5", "0.5"), ("-0.5", "-0.5"), ("12.3456789", "12.3457"),
    ("999.999", "999.999"), ("999.9999", "1000"), ("0.00035", "0.00035"),
    ("-0.00035", "-3.5e-4"), ("0.0000123", "1.2e-5"), ("-0.0000123", "-1.2e-5"),
    ("0.000000001", "1e-9"), ("0.00000996", "1e-5"), ("-49.99965", "-50"), ("-9.99965", "-9.9997"), ("0.1", "0.1"),
    ("1e3", "1k"), (None, "-"), ("", "-"), ("none", "-"), ("abc", "-"), ("NaN", "-"),
]


@pytest.mark.parametrize("value,shown", CASES)
def test_boundaries_negatives_and_tiny_decimals(value, shown):
    assert compact(value) == shown
    assert len(compact(value)) <= 7


def test_takes_ints_and_decimals_too():
    from decimal import Decimal
    assert compact(-320893) == "-321k" and compact(Decimal("1E+6")) == "1M"
