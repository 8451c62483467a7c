"""Typed strategy parameters: text in, typed values out, every bad value named."""
import pytest

from souq.mm.desk.params import (BOOL, CHOICE, INT, QTY, SECONDS, BadParam, Param,
                            parse_assignments, typed, validate)

SPEC = (
    Param("size", QTY, "0.5", "order size", lo="0.001", hi="10"),
    Param("levels", INT, "4", "levels per side", lo="1", hi="20"),
    Param("refresh", SECONDS, "1.5", "refresh"),
    Param("hang", BOOL, "false", "hanging orders"),
    Param("mode", CHOICE, "price", "skew mode", choices=("price", "size")),
    Param("ceiling", QTY, "none", "ceiling", optional=True),
)


def test_defaults_and_types():
    values = typed(SPEC, validate(SPEC, {}))
    assert values == {"size": 500_000_000, "levels": 4, "refresh": 1_500_000_000,
                      "hang": False, "mode": "price", "ceiling": None}


def test_change_applies_over_a_base():
    base = validate(SPEC, {"levels": "6"})
    new = validate(SPEC, {"size": "2", "hang": "yes"}, base)
    assert new["levels"] == "6" and new["size"] == "2" and new["hang"] == "yes"
    assert typed(SPEC, new)["hang"] is True


@pytest.mark.parametrize("change, message", [
    ({"size": "11"}, "size: 11 is above the maximum 10"),
    ({"size": "0"}, "size: 0 is below the minimum 0.001"),
    ({"size": "abc"}, "size: 'abc' is not a plain decimal number"),
    ({"levels": "2.5"}, "levels: '2.5' is not a whole number (in ASCII digits)"),
    ({"hang": "maybe"}, "hang: 'maybe' is not true or false"),
    ({"mode": "both"}, "mode: 'both' is not one of price, size"),
    ({"refresh": "nan"}, "refresh: 'nan' is not a number (finite, in ASCII digits)"),
    ({"colour": "red"}, "unknown parameter 'colour'; known: ceiling, hang, levels, mode, "
                        "refresh, size"),
])
def test_bad_values_are_named_and_nothing_applies(change, message):
    base = validate(SPEC, {})
    with pytest.raises(BadParam) as exc:
        validate(SPEC, {"levels": "7", **change}, base)
    assert str(exc.value) == message
    assert base["levels"] == "4"


def test_show_round_trips():
    values = typed(SPEC, validate(SPEC, {"refresh": "0.25", "ceiling": "101.5"}))
    shown = {p.name: p.show(values[p.name]) for p in SPEC}
    assert shown == {"size": "0.5", "levels": "4", "refresh": "0.25", "hang": "false",
                     "mode": "price", "ceiling": "101.5"}


def test_assignments():
    # the key is trimmed; the value is kept whole, for Param.parse to refuse its spaces
    assert parse_assignments(["a=1", " b = x y"]) == {"a": "1", "b": " x y"}
    with pytest.raises(BadParam, match="'gamma' is not key=value"):
        parse_assignments(["gamma"])


def test_a_key_given_twice_is_refused():
    """`max_inventory=1 max_inventory=2` took the last silently (mm set wrote version N
    with 2); now one line naming both, whatever the order."""
    with pytest.raises(BadParam, match=r"^max_inventory is given twice \(max_inventory=1, "
                                       r"max_inventory=2\); give each parameter once$"):
        parse_assignments(["max_inventory=1", "gamma=3", "max_inventory=2"])
    with pytest.raises(BadParam, match="a is given twice"):
        parse_assignments(["a=1", " a =1"])
