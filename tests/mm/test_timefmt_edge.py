"""Issue 10 item 10: data-file times stop at the last 64-bit nanosecond and take ASCII
digits only."""
import pytest

from souq.mm.marketdata.timefmt import BadTime, format_time, parse_time


@pytest.mark.parametrize("text", ["9223372036854775808", "9999-12-31T23:59:59Z",
                                  "2262-04-11T23:47:16.854775808Z", "٢٠٢٤-03-01T09:30:00Z",
                                  "2024-03-01T09:30:00+٠٣:٠٠", "١٧٠٩٢٨٥٤٠٠"])
def test_times_beyond_64_bits_or_in_other_digits_are_refused(text):
    with pytest.raises(BadTime):
        parse_time(text)


def test_the_last_time_still_fits():
    last = 2**63 - 1
    assert parse_time(str(last)) == last
    assert parse_time("2262-04-11T23:47:16.854775807Z") == last
    assert format_time(last) == "2262-04-11T23:47:16.854775807Z"
