"""The shared controls, one case at a time, and properties: whatever the controls do, the
quotes stay on the grid, sized and uncrossed."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from souq.engine.numbers import fmt
from souq.mm.desk.controls import Controls, others, skew, sweep
from souq.mm.desk.holding import Holding
from souq.mm.desk.params import CONTROLS, RISK, configure, validate
from souq.mm.desk.quotes import BUY, SELL
from stratkit import S, book, ctx, fill, live, quote, shown, u, well_formed

BK = book([("99.95", "1"), ("99.9", "2")], [("100.05", "1"), ("100.1", "2")])
PAIR = [quote(BUY, "99.9", "0.1"), quote(SELL, "100.1", "0.1")]
BID, ASK = [("buy", "99.9", "0.1")], [("sell", "100.1", "0.1")]


def controls(**values) -> Controls:
    spec = CONTROLS + RISK
    return Controls(configure(spec, validate(spec, {k: str(v) for k, v in values.items()})))


def pair(bid: str, ask: str, qty: str = "0.1"):
    return [quote(BUY, bid, qty), quote(SELL, ask, qty)]


def test_defaults_change_nothing_but_the_order():
    c = controls()
    wanted = [quote(SELL, "100.1", "0.1"), quote(BUY, "99.9", "0.1")]
    assert c.apply(wanted, ctx(BK, "100")) == PAIR


def test_other_symbols_and_immediate_quotes_pass_through():
    c = controls(add_fees="true")
    bk = book([("99.95", "1")], [("100.05", "1")], maker="0.001")
    hedge = quote(SELL, "3.33", "1", tif="ioc", symbol="BTC-IRR")
    mine_ioc = quote(BUY, "100.05", "0.1", tif="ioc")
    assert c.apply(PAIR + [hedge, mine_ioc], ctx(bk, "100"))[2:] == [hedge, mine_ioc]


# ------------------------------------------------------------------------- filled-order delay
def test_filled_order_delay_holds_back_the_filled_side():
    c = controls(filled_order_delay=5)
    c.on_fill(fill(BUY, "99.9", "0.1", ts=10 * S), ctx(BK, "100", now=10 * S))
    assert shown(c.apply(PAIR, ctx(BK, "100", now=12 * S))) == ASK
    assert shown(c.apply(PAIR, ctx(BK, "100", now=15 * S - 1))) == ASK
    assert c.apply(PAIR, ctx(BK, "100", now=15 * S)) == PAIR


def test_filled_order_delay_counts_from_each_sides_last_fill():
    c = controls(filled_order_delay=1)
    c.on_fill(fill(BUY, "99.9", "0.1", ts=10 * S), ctx(BK, "100"))
    c.on_fill(fill(SELL, "100.1", "0.1", ts=10 * S + S // 2), ctx(BK, "100"))
    assert c.apply(PAIR, ctx(BK, "100", now=10 * S + S // 2)) == []
    assert shown(c.apply(PAIR, ctx(BK, "100", now=11 * S))) == BID
    c.on_fill(fill(BUY, "99.9", "0.1", ts=9 * S), ctx(BK, "100"))      # late report: no rewind
    assert shown(c.apply(PAIR, ctx(BK, "100", now=11 * S))) == BID


def test_filled_order_delay_off_by_default():
    c = controls()
    c.on_fill(fill(BUY, "99.9", "0.1", ts=10 * S), ctx(BK, "100"))
    assert c.apply(PAIR, ctx(BK, "100", now=10 * S)) == PAIR


# ------------------------------------------------------------------------- hanging orders
A1 = live("a1", SELL, "100.1", "0.1")


def hung(**values) -> Controls:
    """Controls whose bid b1 just filled, leaving the ask a1 hanging."""
    c = controls(hanging_orders="true", hanging_cancel_pct=100, **values)
    c.on_fill(fill(BUY, "99.9", "0.1", cid="b1"), ctx(BK, "100", live=[A1]))
    return c


def test_hanging_order_stays_beside_the_fresh_quotes():
    c = hung()
    out = c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[A1]))
    assert shown(out) == [("buy", "99.7", "0.1"), ("sell", "99.9", "0.1"),
                          ("sell", "100.1", "0.1")]


def test_hanging_order_goes_once_too_far_from_fair():
    c = hung()
    # 100.1 is 1.32 % from 98.8 (limit 1 %): cancelled, and not brought back later
    assert shown(c.apply(pair("98.7", "98.9"), ctx(BK, "98.8", live=[A1]))) == [
        ("buy", "98.7", "0.1"), ("sell", "98.9", "0.1")]
    assert c.apply(PAIR, ctx(BK, "100", live=[A1])) == PAIR


def test_hanging_order_keeps_its_remaining_size_and_follows_a_re_placement():
    c = hung()
    part = live("a1", SELL, "100.1", "0.1", remaining="0.04")
    out = c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[part]))
    assert ("sell", "100.1", "0.04") in shown(out)
    # reconcile cancelled a1 and placed its 0.04 again as a2: still hanging
    again = live("a2", SELL, "100.1", "0.04")
    fresh = live("a3", SELL, "99.9", "0.1")
    out = c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[fresh, again]))
    assert ("sell", "100.1", "0.04") in shown(out)
    assert list(c.hanging) == ["a2"]


def test_an_older_order_at_the_hanging_price_is_not_taken_for_it():
    c = hung()
    fresh = live("a3", SELL, "100.1", "0.1")
    out = c.apply(pair("99.9", "100.1"), ctx(BK, "100", live=[A1, fresh]))
    assert shown(out) == [("buy", "99.9", "0.1"), ("sell", "100.1", "0.1"),
                          ("sell", "100.1", "0.1")]
    # the hanging a1 fills away; a3 was already open, so it is the strategy's own quote
    assert c.apply(pair("99.9", "100.1"), ctx(BK, "100", live=[fresh])) == PAIR
    assert c.hanging == {}


def test_hanging_order_filled_is_forgotten():
    c = hung()
    assert c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[])) == pair("99.7", "99.9")
    assert c.hanging == {}


def test_fresh_quote_crossing_a_hanging_one_gives_way():
    c = hung()
    out = c.apply(pair("100.1", "100.3"), ctx(BK, "100.2", live=[A1]))
    assert shown(out) == [("sell", "100.1", "0.1"), ("sell", "100.3", "0.1")]


def test_fill_of_a_hanging_order_hangs_nothing_new():
    c = hung()
    b2 = live("b2", BUY, "99.7", "0.1")
    c.on_fill(fill(SELL, "100.1", "0.1", cid="a1"), ctx(BK, "99.8", live=[b2]))
    assert c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[b2])) == pair("99.7", "99.9")


def test_without_hanging_orders_the_partner_is_not_kept():
    c = controls()
    c.on_fill(fill(BUY, "99.9", "0.1", cid="b1"), ctx(BK, "100", live=[A1]))
    assert c.apply(pair("99.7", "99.9"), ctx(BK, "99.8", live=[A1])) == pair("99.7", "99.9")


# ------------------------------------------------------------------------- ceiling and floor
def test_fixed_ceiling_only_sells_above_it_and_never_bids_over_it():
    c = controls(price_ceiling="100.05")
    assert c.apply(PAIR, ctx(BK, "100")) == PAIR
    assert shown(c.apply(PAIR, ctx(BK, "100.06"))) == ASK
    assert shown(c.apply(pair("100.06", "100.2"), ctx(BK, "100"))) == [("sell", "100.2", "0.1")]


def test_fixed_floor_only_buys_below_it_and_never_offers_under_it():
    c = controls(price_floor="99.95")
    assert c.apply(PAIR, ctx(BK, "100")) == PAIR
    assert shown(c.apply(PAIR, ctx(BK, "99.94"))) == BID
    assert shown(c.apply(pair("99.8", "99.94"), ctx(BK, "100"))) == [("buy", "99.8", "0.1")]


def test_moving_band_recentres_every_refresh():
    c = controls(moving_band_pct=50, moving_band_refresh=10)
    assert c.apply(PAIR, ctx(BK, "100", now=0)) == PAIR
    assert c.limits(ctx(BK, "100.6", now=5 * S)) == (u("100.5"), u("99.5"))
    assert shown(c.apply(PAIR, ctx(BK, "100.6", now=5 * S))) == ASK
    assert shown(c.apply(PAIR, ctx(BK, "99.4", now=6 * S))) == BID
    assert c.apply(PAIR, ctx(BK, "100.6", now=10 * S)) == PAIR
    assert c.limits(ctx(BK, "100.6", now=11 * S)) == (u("101.103"), u("100.097"))


def test_fixed_and_moving_limits_the_tighter_wins():
    c = controls(moving_band_pct=50, price_ceiling="100.2", price_floor="99")
    assert c.limits(ctx(BK, "100")) == (u("100.2"), u("99.5"))


# ------------------------------------------------------------------------- jump to best
def test_jump_to_best_when_little_rests_ahead():
    c = controls(jump_to_best_depth="1.5")
    out = c.apply(pair("99.95", "100.05"), ctx(BK, "100"))
    assert shown(out) == [("buy", "99.96", "0.1"), ("sell", "100.04", "0.1")]


def test_no_jump_when_enough_rests_ahead():
    c = controls(jump_to_best_depth="1")
    assert c.apply(pair("99.95", "100.05"), ctx(BK, "100")) == pair("99.95", "100.05")
    c = controls(jump_to_best_depth="1.5")
    assert c.apply(PAIR, ctx(BK, "100")) == PAIR            # 3 ahead on each side


def test_jump_counts_only_other_traders_size():
    c = controls(jump_to_best_depth="1.5")
    own = live("b0", BUY, "99.95", "0.6")
    # 0.4 of others at 99.95 and 2 at 99.9: 2.4 ahead of a bid at 99.9, 0.4 ahead at 99.95
    assert c.apply(PAIR, ctx(BK, "100", live=[own])) == PAIR
    out = c.apply(pair("99.95", "100.1"), ctx(BK, "100", live=[own]))
    assert shown(out)[0] == ("buy", "99.96", "0.1")


def test_jump_never_reaches_fair_nor_the_other_side():
    bk = book([("99.99", "0.1")], [("100.02", "0.1")])
    c = controls(jump_to_best_depth="1")
    out = c.apply(pair("99.98", "100.03"), ctx(bk, "100"))
    assert shown(out) == [("buy", "99.99", "0.1"), ("sell", "100.01", "0.1")]
    # a one-tick market: the quotes join the best prices, no further
    tight = book([("99.99", "0.1")], [("100", "0.1")])
    out = c.apply(pair("99.98", "100.01"), ctx(tight, "99.995"))
    assert shown(out) == [("buy", "99.99", "0.1"), ("sell", "100", "0.1")]


def test_only_the_best_quote_of_a_side_jumps():
    c = controls(jump_to_best_depth="1.5")
    ladder = [quote(BUY, "99.95", "0.1"), quote(BUY, "99.9", "0.2")]
    assert shown(c.apply(ladder, ctx(BK, "100"))) == [("buy", "99.96", "0.1"),
                                                     ("buy", "99.9", "0.2")]


def test_no_jump_into_an_empty_side():
    bk = book([], [("100.05", "1")])
    c = controls(jump_to_best_depth="1")
    assert c.apply(PAIR, ctx(bk, "100")) == [PAIR[0], PAIR[1]]


# ------------------------------------------------------------------------- fees
def test_add_fees_widens_each_side_by_the_maker_fee():
    c = controls(add_fees="true")
    bk = book([("99.95", "1")], [("100.05", "1")], maker="0.001")
    assert shown(c.apply(PAIR, ctx(bk, "100"))) == [("buy", "99.8", "0.1"),
                                                   ("sell", "100.21", "0.1")]
    assert c.apply(PAIR, ctx(BK, "100")) == PAIR          # no maker fee, no change
    assert controls().apply(PAIR, ctx(bk, "100")) == PAIR


# ------------------------------------------------------------------------- stop-loss, take-profit
LOSING = book([("98.9", "0.5"), ("98.8", "1")], [("99.2", "1")])


def bought(price="100", qty="1", **values) -> Controls:
    c = controls(**values)
    c.on_fill(fill(BUY, price, qty), ctx(BK, "100"))
    return c


def test_stop_loss_closes_the_long_with_an_ioc_through_the_book():
    c = bought(stop_loss_pct=100)
    hedge = quote(SELL, "1", "1", tif="ioc", symbol="BTC-IRR")
    out = c.apply(PAIR + [hedge], ctx(LOSING, "99", inventory="1"))
    assert shown(out) == [("sell", "98.8", "1", "ioc", None)] + shown([hedge])


def test_stop_loss_not_tripped_leaves_the_quotes():
    c = bought(stop_loss_pct=100)
    bk = book([("99.5", "2")], [("99.7", "1")])
    assert c.apply(PAIR, ctx(bk, "99.6", inventory="1")) == PAIR


def test_stop_loss_marks_at_other_traders_best_price():
    c = bought(stop_loss_pct=100)
    bk = book([("99.5", "0.5"), ("98.9", "2")], [("99.7", "1")])
    own = live("b9", BUY, "99.5", "0.5")
    out = c.apply(PAIR, ctx(bk, "99.6", inventory="1", live=[own]))
    assert shown(out) == [("sell", "98.9", "1", "ioc", None)]


def test_take_profit_closes_the_long():
    c = bought(take_profit_pct=50)
    bk = book([("100.6", "3")], [("100.8", "1")])
    assert shown(c.apply(PAIR, ctx(bk, "100.7", inventory="1"))) == [
        ("sell", "100.6", "1", "ioc", None)]
    assert c.apply(PAIR, ctx(BK, "100", inventory="1")) == PAIR      # +0.05 %: not yet


def test_stop_loss_closes_a_short_with_a_buy():
    c = controls(stop_loss_pct=100)
    c.on_fill(fill(SELL, "100", "2"), ctx(BK, "100"))
    bk = book([("101", "1")], [("101.1", "1"), ("101.2", "5")])
    assert shown(c.apply(PAIR, ctx(bk, "101", inventory="-2"))) == [
        ("buy", "101.2", "2", "ioc", None)]


def test_stop_loss_needs_a_book_a_position_and_agreement():
    c = bought(stop_loss_pct=100)
    empty = book([], [("99", "1")])
    assert c.apply(PAIR, ctx(empty, "99", inventory="1")) == PAIR
    assert c.apply(PAIR, ctx(LOSING, "99", inventory="-1")) == PAIR
    assert c.apply(PAIR, ctx(LOSING, "99", inventory="0")) == PAIR
    assert controls(stop_loss_pct=100).apply(PAIR, ctx(LOSING, "99", inventory="1")) == PAIR


def test_stop_loss_size_is_the_inventory_on_the_step():
    c = bought(qty="1.0005", stop_loss_pct=100)
    out = c.apply(PAIR, ctx(LOSING, "99", inventory="1.0005"))
    assert shown(out) == [("sell", "98.8", "1", "ioc", None)]


def test_stop_loss_uses_the_average_cost_of_the_open_position():
    c = bought(price="98", stop_loss_pct=100)
    c.on_fill(fill(BUY, "100", "1"), ctx(BK, "100"))           # average 99
    bk = book([("97.9", "5")], [("98.3", "1")])                 # -1.11 % (against 98: -0.1 %)
    assert shown(c.apply(PAIR, ctx(bk, "98.2", inventory="2"))) == [
        ("sell", "97.9", "2", "ioc", None)]
    bk = book([("98.02", "5")], [("98.3", "1")])                # -0.99 %: not yet
    assert c.apply(PAIR, ctx(bk, "98.2", inventory="2")) == PAIR


# ------------------------------------------------------------------------- holding, helpers
def test_holding_average_cost_through_adds_reductions_and_flips():
    h = Holding()
    h.fill(BUY, u("100"), u("1"))
    h.fill(BUY, u("102"), u("1"))
    assert (h.qty, h.avg) == (u("2"), u("101"))
    h.fill(SELL, u("105"), u("1"))                       # reducing keeps the average
    assert (h.qty, h.avg) == (u("1"), u("101"))
    h.fill(SELL, u("99"), u("3"))                        # flips: the rest opens at 99
    assert (h.qty, h.avg, h.cost) == (-u("2"), u("99"), -u("198") * 10**9)
    assert h.open_return(u("99.99")) == -0.01
    h.fill(BUY, u("98"), u("2"), fee=5)
    assert (h.qty, h.avg, h.cost, h.fees) == (0, None, 0, 5)
    # cash: -100 -102 +105 +297 -196, minus the fee
    assert h.equity(u("50")) == u("4") * 10**9 - 5


def test_skew_helper_modes():
    bk = book()
    both = pair("99.9", "100.1")
    shift = u("0.1")
    assert skew(both, bk, 0.5, "none", shift) == both
    assert shown(skew(both, bk, 0.5, "price", shift)) == [("buy", "99.85", "0.1"),
                                                          ("sell", "100.05", "0.1")]
    assert shown(skew(both, bk, -0.5, "size", shift, tilt=0.5)) == [("buy", "99.9", "0.125"),
                                                                     ("sell", "100.1", "0.075")]
    assert shown(skew(both, bk, 7, "both", shift)) == [("sell", "100", "0.2")]
    # a shift that is not a whole number of ticks widens, never narrows
    assert shown(skew(both, bk, 0.5, "price", u("0.01"))) == [("buy", "99.89", "0.1"),
                                                              ("sell", "100.1", "0.1")]


def test_others_and_sweep():
    own = [live("x", BUY, "99.95", "1"), live("y", BUY, "99.9", "0.5"),
           live("z", BUY, "99.9", "0.5", symbol="BTC-IRR")]
    assert others(ctx(BK, "100", live=own), BUY) == [(u("99.9"), u("1.5"))]
    assert others(ctx(BK, "100", live=own), SELL) == list(BK.asks)
    assert sweep(list(BK.asks), u("1")) == u("100.05")
    assert sweep(list(BK.asks), u("1.5")) == u("100.1")
    assert sweep(list(BK.asks), u("9")) == u("100.1")


# ------------------------------------------------------------------------- properties
@st.composite
def situations(draw):
    tick = draw(st.sampled_from(["0.01", "0.05", "1"]))
    t = u(tick)
    mid = draw(st.integers(100, 100_000))
    n_b, n_a = draw(st.integers(0, 4)), draw(st.integers(0, 4))
    gap_b, gap_a = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    size = st.integers(1, 3000).map(lambda n: fmt(n * u("0.001")))
    bk = book([(fmt((mid - gap_b - i) * t), draw(size)) for i in range(n_b)],
              [(fmt((mid + gap_a + i) * t), draw(size)) for i in range(n_a)], tick=tick,
              maker=draw(st.sampled_from(["0", "0.001", "0.01"])))
    fair = (mid * t) + draw(st.integers(-t, t))
    spread = draw(st.integers(0, 8)) * t
    wanted = [quote(BUY, fmt(fair - spread - i * t), "0.1") for i in range(draw(st.integers(0, 3)))]
    wanted += [quote(SELL, fmt(fair + spread + i * t), "0.1")
               for i in range(draw(st.integers(0, 3)))]
    values = {"add_fees": draw(st.booleans()),
              "jump_to_best_depth": draw(st.sampled_from(["0", "0.5", "5"])),
              "moving_band_pct": draw(st.sampled_from([0, 5, 50])),
              "hanging_orders": draw(st.booleans()),
              "filled_order_delay": draw(st.sampled_from([0, 1])),
              "stop_loss_pct": draw(st.sampled_from([0, 1, 100]))}
    inventory = draw(st.sampled_from(["0", "0.3", "-0.3"]))
    return bk, fmt(fair), wanted, values, inventory


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(situations(), st.integers(0, 3))
def test_controlled_quotes_stay_on_the_grid_and_never_cross(situation, moves):
    bk, fair, wanted, values, inventory = situation
    c = controls(**values)
    hang = live("h1", SELL, fmt(bk.spec.ceil_tick(u(fair)) + 3 * bk.spec.tick), "0.1")
    if inventory != "0":
        side = BUY if not inventory.startswith("-") else SELL
        c.on_fill(fill(side, fair, "0.3", cid="f1"), ctx(bk, fair, live=[hang]))
    for i in range(moves + 1):
        out = c.apply(list(wanted), ctx(bk, fair, inventory=inventory, live=[hang],
                                        now=i * S // 2))
    well_formed(out, bk)
    immediate = [q for q in out if q.tif == "ioc"]
    assert len(immediate) <= 1 and (not immediate or out == immediate)
