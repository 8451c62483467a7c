"""The one market view (mm/view.py): what the simulator's agents and the workstation's
screen both read of a market, exactly."""
from souq.mm.view import OpenOrder, OpenOrders, SymbolView, market_of, observe, session_of

from view_market import E, market as _exchange


def test_market_of_reads_every_symbol_and_the_users_open_orders():
    ex = _exchange()
    view = market_of(ex, ("a", "ghost"))
    b = ex.symbols["B-Q"]
    assert view.symbols == {
        "B-Q": SymbolView(b.spec, 95 * E, 104 * E, None, "continuous"),
        "N-Q": SymbolView(ex.symbols["N-Q"].spec, None, None, None, "closed")}
    assert view.symbols["B-Q"].tradable and not view.symbols["N-Q"].tradable
    assert view.symbols["B-Q"].anchor == (95 * E + 104 * E) // 2
    oid = {o.cid: o.oid for o in ex.users["a"].open_orders()}
    assert view.orders == {"a": {"B-Q": (
        OpenOrder(oid["b1"], "b1", "B-Q", "buy", 95 * E, 2 * E),
        OpenOrder(oid["s1"], "s1", "B-Q", "sell", 104 * E, 3 * E),
        OpenOrder(oid["st"], "st", "B-Q", "sell", None, E))}}
    assert view.own("a", "B-Q")[0].cid == "b1" and view.own("a", "N-Q") == ()
    assert view.own("ghost", "B-Q") == ()


def test_the_simulator_observes_the_symbols_it_is_asked_for():
    ex = _exchange()
    seen = observe(ex, ("B-Q",), OpenOrders(["a"]))
    assert list(seen.symbols) == ["B-Q"] and seen.symbols["B-Q"] == market_of(ex).symbols["B-Q"]
    assert seen.orders == market_of(ex, ("a",)).orders
    assert list(observe(ex, (), OpenOrders([])).symbols) == ["B-Q", "N-Q"]


def test_session_names():
    assert [session_of(*flags) for flags in ((False, True, True), (True, False, False),
                                             (True, True, True), (True, True, False))] == [
        "inactive", "continuous", "open", "closed"]
    assert [SymbolView(None, None, None, None, s).tradable
            for s in ("inactive", "continuous", "open", "closed")] == [False, True, True, False]
