"""cli/plain.py: nested figures as dotted keys and plain text (issue 12 item 9)."""
from souq.cli.plain import flat, text


def test_flat_gives_dotted_keys_in_order():
    figures = {"fills": 3, "pnl": {"total": "-1.5", "mark": None}, "overrides": {},
               "markouts": {"1s": {"fills": 0}}}
    assert flat(figures) == [("fills", 3), ("pnl.total", "-1.5"), ("pnl.mark", None),
                             ("overrides", {}), ("markouts.1s.fills", 0)]


def test_text_never_shows_python_values():
    assert [text(v) for v in (None, {}, [], True, False, 0, "x", 1.5)] == [
        "-", "-", "-", "yes", "no", "0", "x", "1.5"]
    assert text({"order_amount": "0.003", "x": None}) == "order_amount=0.003, x=-"
    assert text(["a", None]) == "a, -"
