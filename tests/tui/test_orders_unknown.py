"""The Orders pane shows a number an order does not have, or whose text could not be read
(`souq replay` of an order line with quantity "abc": NULL in its row), as "-" in its cell
and leaves it out of the order's sentence, never as 0."""
from types import SimpleNamespace

from souq.mm.display import Figures
from souq.tui.widgets.orders import OrdersPane, order_detail

SYMBOL = {"name": "X-Y", "base": "X", "quote": "Y", "tick_size": "1", "qty_step": "1",
          "min_qty": "0", "max_qty": None, "daily_limit": "0.1", "ref_price": None,
          "maker_fee": "0", "taker_fee": "0", "active": True, "sessions": False, "open": True,
          "last_price": None}


def order(cid, price, qty, reason) -> dict:
    return {"id": 4, "client_id": cid, "symbol": "X-Y", "side": "buy", "type": "limit",
            "price": price, "qty": qty, "filled": "0", "status": "rejected",
            "avg_price": None, "reason": reason, "placed_ts": None}


def test_an_unknown_quantity_or_price_is_a_dash_and_left_out_of_the_sentence():
    f = Figures([SYMBOL])
    view = SimpleNamespace(figures=f)
    q = order("q", "5", None, "qty 'abc' is not a plain decimal number")
    p = order("p", None, "2", "price 'NaN' is not a finite number")
    assert OrdersPane._cells(q, view) == (
        "-", "q", "buy", "5", "-", "0", "rejected", "-",
        "qty 'abc' is not a plain decimal number", "X-Y", "limit")
    assert OrdersPane._cells(p, view) == (
        "-", "p", "buy", "-", "2", "0", "rejected", "-", "price 'NaN' is not a finite number",
        "X-Y", "limit")
    assert order_detail(q, f) == ("#4 q: buy @ 5 X-Y limit, rejected: qty 'abc' is not a plain "
                                  "decimal number")
    assert order_detail(p, f) == "#4 p: buy 2 X-Y limit, rejected: price 'NaN' is not a finite number"
