"""Issue 10 item 11: every strategy parameter has a finite range, ASCII digits only and
cross-parameter checks at `mm set` time; and the bounded fuzz test of `mm set`."""
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from souq.mm.desk.params import BadParam, typed, validate
from souq.mm.desk.strategy import templates

SPECS = {name: cls.spec() for name, cls in templates().items()}
FIXED = SPECS["fixed_spread"]


@pytest.mark.parametrize("assignment, message", [
    # exponent notation is refused as for orders, however large (it used to be read)
    *((a, f"{a.split('=')[0]}: {a.split('=')[1]!r} uses exponent notation; write it as a "
          "plain decimal")
      for a in ("stale_after=1e999999999", "max_order_age=1e999999999", "bid_spread_bps=1e3",
                "hanging_cancel_pct=1e400", "moving_band_pct=1e999999", "stop_loss_pct=1e400",
                "vol_circuit=1e309", "moving_band_pct=1e99", "order_refresh_time=5E-1")),
    ("max_open_orders=١٢", "max_open_orders: '١٢' is not a whole number (in ASCII digits)"),
    ("stale_after=٣", "stale_after: '٣' is not a number (finite, in ASCII digits)"),
    ("stale_after=inf", "stale_after: 'inf' is not a number (finite, in ASCII digits)"),
    ("fair_symbol=no/such", "fair_symbol: 'no/such' is not a symbol name"),
    ("fair_source=cross", "fair_source=cross needs fair_symbol, the symbol whose price "
                          "is used"),
    ("price_floor=10 price_ceiling=5", "price_floor 10 is above price_ceiling 5"),
    ("target_inventory=5", "target_inventory 5 is beyond max_inventory 1"),
    # refused as `order place` refuses a quantity of ' 0.02' (it used to be trimmed)
    ("order_amount=·0.02", "order_amount: ' 0.02' has spaces around it"),
    ("order_amount=0.02·", "order_amount: '0.02 ' has spaces around it"),
    ("fair_source=·mid", "fair_source: ' mid' has spaces around it"),
])
def test_bad_parameters_are_refused_with_their_reason(assignment, message):
    values = dict(a.replace("·", " ").split("=", 1) for a in assignment.split())
    with pytest.raises(BadParam) as exc:
        validate(FIXED, values)
    assert str(exc.value) == message


def test_every_numeric_parameter_of_every_template_has_a_finite_range():
    for name, spec in SPECS.items():
        for p in spec:
            if p.kind not in ("bool", "choice", "text"):
                assert p.lo is not None and p.hi is not None, (name, p.name)


NASTY = st.one_of(
    st.sampled_from(["0", "1", "-1", "1e999999999", "1e400", "1e-400", "inf", "-inf", "nan",
                     "١٢", "٣.٥", "1_000", " 7", "0x10", "9223372036854775808", "", "none",
                     "true", "mid", "cross", "BTC-IRR", "1e100", "1e101", "0.000000001",
                     "1000000000000001", "+5", "--1", "1.", ".5", "5e-3"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers().map(str), st.text(max_size=8))


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(template=st.sampled_from(sorted(SPECS)), data=st.data())
def test_fuzz_mm_set_refuses_with_bad_param_or_yields_finite_values(template, data):
    spec = SPECS[template]
    names = [p.name for p in spec] + ["unknown_key"]
    values = data.draw(st.dictionaries(st.sampled_from(names), NASTY, max_size=4))
    try:
        text = validate(spec, values)
    except BadParam as exc:
        assert "\n" not in str(exc)
        return
    for value in typed(spec, text).values():
        if isinstance(value, float):
            assert math.isfinite(value)
        if isinstance(value, int):
            assert abs(value) < 2**63


def test_a_template_s_parameters_are_a_typed_frozen_config():
    """Strategies read attributes of a frozen config whose fields carry their Param (unit,
    range and help declared once)."""
    import dataclasses

    from souq.mm.desk.params import config_class, configure
    from souq.mm.desk.strategy import template
    cls = template("fixed_spread")
    spec = cls.spec()
    cfg = cls({"bid_spread_bps": "12.5", "order_amount": "0.2"}).p
    assert type(cfg).__name__ == "FixedSpreadConfig"
    assert (cfg.bid_spread_bps, cfg.ask_spread_bps, cfg.order_amount) == (12.5, 10.0, 2 * 10**8)
    assert [f.name for f in dataclasses.fields(cfg)] == [p.name for p in spec]
    field = {f.name: f for f in dataclasses.fields(cfg)}["bid_spread_bps"]
    assert field.metadata["param"].unit == "bps" and field.metadata["param"].hi == "5000"
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.bid_spread_bps = 1.0
    assert config_class(spec) is config_class(spec)
    assert configure(spec, {}) == config_class(spec)(**{p.name: p.parse(p.default) for p in spec})
