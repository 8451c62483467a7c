"""Risk control: each limit clips exactly, the guards pull quotes, the kill switch trips."""
import desk_kit as kit
from souq.mm.desk.book import book_of
from souq.mm.desk.params import configure, validate
from souq.mm.desk.quotes import BUY, SELL, Context, Live, Quote
from souq.mm.desk.risk import Risk

P = 10**9              # one whole unit of price or quantity
Q = 10**6              # 0.001: the kit market's step
E = 10**18             # one unit of quote money


def params(**values):
    spec = kit.Ladder.spec()
    return configure(spec, validate(spec, {k: str(v) for k, v in values.items()}))


def ctx(*, inventory=0, target=0, max_inventory=P, live=(), volatility=0.0, fair=1000 * P,
        now=100 * P, data_ts=None) -> Context:
    book = book_of(kit.market().symbols["T-USD"])   # x: bid 990 x5, ask 1010 x5
    return Context(now, book, {"T-USD": book}, fair, inventory, target, max_inventory,
                   tuple(live), volatility=volatility,
                   data_ts=now if data_ts is None else data_ts)


def bid(price, qty, tif="gtc"):
    return Quote(BUY, price * P, qty, tif=tif)


def ask(price, qty, tif="gtc"):
    return Quote(SELL, price * P, qty, tif=tif)


def test_order_size_is_capped_and_snapped_to_the_step():
    r = Risk(params(max_order_size="0.5"))
    got = r.clip([bid(998, 800 * Q), bid(997, 1234567), ask(1002, Q // 2)], ctx())
    # 0.8 -> 0.5; 0.001234567 -> 0.001; 0.0005 is under the minimum: dropped
    assert got == [bid(998, 500 * Q), bid(997, Q)]


def test_inventory_room_so_that_every_bid_filling_stays_inside_the_maximum():
    r = Risk(params(max_inventory="1", max_order_size="0.5"))
    c = ctx(inventory=600 * Q)       # long 0.6 of at most 1: 0.4 more may be bought
    got = r.clip([bid(998, 300 * Q), bid(997, 300 * Q), bid(996, 300 * Q),
                  ask(1002, 500 * Q), ask(1003, 500 * Q), ask(1004, 500 * Q),
                  ask(1005, 500 * Q)], c)
    # asks may sell 1.6 in all: three of 0.5 then 0.1
    assert got == [bid(998, 300 * Q), bid(997, 100 * Q), ask(1002, 500 * Q),
                   ask(1003, 500 * Q), ask(1004, 500 * Q), ask(1005, 100 * Q)]


def test_inventory_is_measured_from_the_target_and_beyond_it_one_side_stops():
    r = Risk(params(max_inventory="1"))
    c = ctx(inventory=-200 * Q, target=-1200 * Q)     # 1 above target: no more buying
    assert r.clip([bid(998, 100 * Q), ask(1002, 100 * Q)], c) == [ask(1002, 100 * Q)]


def test_open_orders_keep_the_best_levels_of_both_sides_in_turn():
    r = Risk(params(max_open_orders="3"))
    quotes = [bid(998, Q), bid(997, Q), bid(996, Q), ask(1002, Q), ask(1003, Q),
              ask(1004, Q), ask(1001, Q, tif="ioc")]
    assert r.clip(quotes, ctx()) == [bid(998, Q), bid(997, Q), ask(1002, Q),
                                     ask(1001, Q, tif="ioc")]


def test_volatility_circuit_widens_spreads_and_cuts_sizes():
    r = Risk(params(vol_circuit="0.005", vol_circuit_widen="2", vol_circuit_size="0.5"))
    quotes = [bid(998, 400 * Q), ask(1003, 400 * Q)]
    assert r.clip(quotes, ctx(volatility=0.004)) == quotes
    assert r.guards == []
    got = r.clip(quotes, ctx(volatility=0.006))
    assert got == [bid(996, 200 * Q), ask(1006, 200 * Q)]   # twice as far from 1000
    assert [g.kind for g in r.guards] == ["vol_circuit"]
    assert "spreads x2, sizes x0.5" in r.guards[0].text


def test_min_book_depth_counts_the_book_without_our_orders():
    r = Risk(params(min_book_depth="4.5"))
    quotes = [bid(998, Q), ask(1002, Q), ask(990, Q, tif="ioc")]
    assert r.clip(quotes, ctx()) == quotes                      # 5 on each side
    ours = Live("t.1", "T-USD", BUY, 990 * P, P, P, 0)          # 1 of the 5 at 990 is ours
    assert r.clip(quotes, ctx(live=[ours])) == [ask(990, Q, tif="ioc")]
    assert r.guards[0].kind == "book_depth"
    assert r.guards[0].text.startswith("bid side holds 4 in 5 levels without our orders")


def test_stale_data_pulls_every_quote():
    r = Risk(params(stale_after="10"))
    quotes = [bid(998, Q), ask(1002, Q)]
    assert r.clip(quotes, ctx(now=100 * P, data_ts=90 * P)) == quotes
    assert r.clip(quotes, ctx(now=100 * P, data_ts=89 * P)) == []
    assert r.guards[0].text == "market data is 11.0 s old (limit 10 s): quotes pulled"
    assert Risk(params(stale_after="0")).clip(quotes, ctx(data_ts=0)) == quotes


def test_kill_switch_on_max_loss():
    r = Risk(params(max_loss="100"))
    assert r.assess(ctx(), -99 * E, 0) == []
    (b,) = r.assess(ctx(), -100 * E, 0)
    assert (b.kind, b.text) == ("max_loss", "loss 100 reached max_loss 100")


def test_kill_switch_on_drawdown_from_the_peak():
    r = Risk(params(max_drawdown="100"))
    assert r.assess(ctx(), 50 * E, 0) == []
    assert r.assess(ctx(), -49 * E, 0) == []
    (b,) = r.assess(ctx(), -50 * E, 0)
    assert b.kind == "max_drawdown"
    assert b.text == "drawdown 100 from the peak 50 reached max_drawdown 100"


def test_zero_limits_are_off():
    r = Risk(params())
    assert r.assess(ctx(), -10**9 * E, 0) == []
