"""Fair-price sources on a hand-made book."""
from souq.engine.symbols import SymbolSpec
from souq.mm.desk.book import Book
from souq.mm.desk.fair import FairPrice, depth_mid, last, microprice, mid

S = 1_000_000_000


def book(bids, asks, last_price=None, name="X"):
    return Book(SymbolSpec(name, "B", "Q", 1, 1, 1), tuple(bids), tuple(asks),
                last_price, True)


B = book([(100, 1), (99, 3)], [(104, 3), (105, 1)], last_price=101)


def test_raw_sources():
    assert mid(B) == 102
    assert microprice(B) == (100 * 3 + 104 * 1) // 4 == 101   # heavy asks: nearer the bid
    assert depth_mid(B) == ((100 + 99 * 3) // 4 + (104 * 3 + 105) // 4) // 2
    assert last(B) == 101
    assert mid(book([(100, 1)], [])) is None and last(book([(100, 1)], [])) is None


def test_ema_smooths_with_half_life():
    f = FairPrice("ema_mid", half_life_ns=S)
    assert f(0, book([(100, 1)], [(102, 1)]), {}) == 101
    assert f(S, book([(200, 1)], [(202, 1)]), {}) == 151      # half way after one half-life
    assert f(S, book([], []), {}) == 151                       # no mid: holds its value


def test_cross_uses_the_other_symbols_mid():
    f = FairPrice("cross", cross_symbol="Y")
    other = book([(500, 1)], [(510, 1)], name="Y")
    assert f(0, B, {"Y": other}) == 505
    assert f(0, B, {}) is None
