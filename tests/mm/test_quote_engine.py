"""The quote engine: which live orders stay, which go, what is placed, never a cross."""
from hypothesis import given, strategies as st

from souq.mm.desk.quote_engine import Refresh, reconcile
from souq.mm.desk.quotes import Live, Quote

T = 10          # tick
S = 1_000_000_000


def live(cid, side, price, qty=5, remaining=None, placed=0):
    return Live(cid, "X", side, price, qty, qty if remaining is None else remaining, placed)


def test_nothing_live_places_everything_best_first():
    wanted = [Quote("buy", 90, 5), Quote("buy", 100, 5), Quote("sell", 110, 5)]
    plan = reconcile(wanted, (), 0, T, Refresh(), None)
    assert plan.cancels == []
    assert plan.places == [Quote("buy", 100, 5), Quote("buy", 90, 5), Quote("sell", 110, 5)]


def test_same_quotes_keep_live_orders():
    have = (live("a", "buy", 100), live("b", "sell", 110))
    plan = reconcile([Quote("buy", 100, 5), Quote("sell", 110, 5)], have, S, T, Refresh(), 0)
    assert not plan
    assert plan.keeps == list(have)


def test_move_inside_tolerance_is_left_alone_outside_is_requoted():
    have = (live("a", "buy", 100), live("b", "sell", 110))
    wanted = [Quote("buy", 110 - 2 * T, 5), Quote("sell", 110 + 3 * T, 5)]
    plan = reconcile(wanted, have, S, T, Refresh(tolerance_ticks=2), 0)
    assert [o.cid for o in plan.keeps] == ["a"]
    assert plan.cancels == [] and plan.places == []
    assert plan.amends == [(have[1], Quote("sell", 140, 5))]     # one amend, not two commands


def test_min_refresh_interval_holds_quotes_unless_forced():
    have = (live("a", "buy", 100),)
    wanted = [Quote("buy", 200, 5)]
    held = reconcile(wanted, have, S // 2, T, Refresh(min_interval=S), 0)
    assert not held and held.keeps == list(have)
    forced = reconcile(wanted, have, S // 2, T, Refresh(min_interval=S), 0, force=True)
    assert forced.amends == [(have[0], wanted[0])] and not forced.cancels and not forced.places


def test_old_orders_are_replaced_at_max_age():
    have = (live("a", "buy", 100, placed=0),)
    plan = reconcile([Quote("buy", 100, 5)], have, 10 * S, T, Refresh(max_age=10 * S), 0)
    assert [o.cid for o in plan.cancels] == ["a"] and plan.places == [Quote("buy", 100, 5)]


def test_partly_filled_order_is_requoted_without_tolerance_kept_with_it():
    """Topping a part-filled order back up would make its total (filled part included)
    larger than any size risk allowed: it is replaced; shrinking it is an amend."""
    have = (live("a", "buy", 100, qty=5, remaining=2),)
    plan = reconcile([Quote("buy", 100, 5)], have, S, T, Refresh(), 0)
    assert plan.cancels == [have[0]] and plan.places == [Quote("buy", 100, 5)]
    assert not reconcile([Quote("buy", 100, 5)], have, S, T, Refresh(tolerance_ticks=1), 0)
    plan = reconcile([Quote("buy", 100, 1)], have, S, T, Refresh(), 0)
    assert plan.amends == [(have[0], Quote("buy", 100, 1))] and not plan.cancels


def test_amends_move_away_from_the_other_side_first():
    """Both quotes move up: the ask goes first, so the bid never crosses it on the way."""
    have = (live("a", "buy", 100), live("b", "sell", 110))
    plan = reconcile([Quote("buy", 120, 5), Quote("sell", 130, 5)], have, S, T, Refresh(), 0)
    assert [o.cid for o, _ in plan.amends] == ["b", "a"]


def test_surplus_live_orders_are_cancelled():
    have = (live("a", "buy", 100), live("b", "buy", 90), live("c", "sell", 120))
    plan = reconcile([Quote("buy", 100, 5)], have, S, T, Refresh(), 0)
    assert sorted(o.cid for o in plan.cancels) == ["b", "c"]


def test_new_bid_through_a_kept_ask_is_dropped():
    have = (live("b", "sell", 110),)
    plan = reconcile([Quote("buy", 110, 5), Quote("sell", 110, 5)], have, S, T, Refresh(), 0)
    assert plan.places == [] and plan.keeps == list(have)


def test_immediate_quotes_go_out_even_inside_the_refresh_interval():
    hedge = Quote("sell", 95, 3, symbol="Y", tif="ioc")
    plan = reconcile([hedge], (live("a", "buy", 100),), 1, T, Refresh(min_interval=S), 0)
    assert plan.places == [hedge] and plan.cancels == []


prices = st.integers(1, 50).map(lambda n: n * T)
quotes = st.lists(st.builds(Quote, st.sampled_from(["buy", "sell"]), prices,
                            st.integers(1, 9)), max_size=8)
lives = st.lists(st.tuples(st.sampled_from(["buy", "sell"]), prices, st.integers(1, 9)),
                 max_size=6)


@given(quotes, lives, st.integers(0, 3))
def test_resting_book_after_the_plan_never_crosses_itself(wanted, have, tol):
    # start from an uncrossed live book, as the engine guarantees for one user with STP
    have = [h for h in have if h[0] == "buy"] + [h for h in have if h[0] == "sell"]
    bids = [p for s, p, _ in have if s == "buy"]
    have = [h for h in have if h[0] == "buy" or not bids or h[1] > max(bids)]
    lv = tuple(live(f"o{i}", s, p, q) for i, (s, p, q) in enumerate(have))
    plan = reconcile(wanted, lv, S, T, Refresh(tolerance_ticks=tol), 0)
    cancelled = {o.cid for o in plan.cancels}
    moved = {o.cid: q.price for o, q in plan.amends}
    book = {o.cid: (o.side, o.price) for o in lv if o.cid not in cancelled}
    assert cancelled.isdisjoint(moved) and cancelled.isdisjoint(o.cid for o in plan.keeps)

    def uncrossed():
        b = [p for s, p in book.values() if s == "buy"]
        a = [p for s, p in book.values() if s == "sell"]
        return not b or not a or max(b) < min(a)
    for cid, price in moved.items():        # in the order sent: never crossed on the way
        book[cid] = (book[cid][0], price)
        assert uncrossed()
    book.update({i: (q.side, q.price) for i, q in enumerate(plan.places)})
    assert uncrossed()


def test_an_order_already_in_place_keeps_its_queue_when_a_better_level_appears():
    have = (live("a", "buy", 100),)
    plan = reconcile([Quote("buy", 110, 5), Quote("buy", 100, 5)], have, S, T, Refresh(), 0)
    assert plan.keeps == list(have) and plan.cancels == []
    assert plan.places == [Quote("buy", 110, 5)]
