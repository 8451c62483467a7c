"""mm/desk/slotted.py: the desk's records with the quicker constructor behave exactly as
dataclass(frozen=True, slots=True) made them: the same fields, defaults, keywords, errors,
equality, hash, repr and pickling, and still frozen."""
import dataclasses
import pickle

import pytest

from souq.mm.desk.book import Book
from souq.mm.desk.quotes import Fill, Live, Quote, Trade
from souq.mm.desk.slotted import quick_init, slot_setters


@dataclasses.dataclass(frozen=True, slots=True)
class Plain:                    # the same record as Quote, dataclass's own __init__
    side: str
    price: int
    qty: int
    symbol: str | None = None
    tif: str = "gtc"


def test_the_records_use_the_quick_constructor():
    for cls in (Quote, Live, Fill, Trade, Book):
        assert cls.__init__.__code__.co_filename == "<string>"
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"


@pytest.mark.parametrize("args,kw", [(("buy", 1, 2), {}), (("sell", 3, 4, "ETH-USDT"), {}),
                                     (("buy", 5, 6), {"tif": "ioc"}),
                                     ((), {"side": "sell", "price": 7, "qty": 8,
                                           "symbol": None, "tif": "gtc"})])
def test_a_quick_record_is_the_dataclass_record(args, kw):
    q, p = Quote(*args, **kw), Plain(*args, **kw)
    assert repr(q) == repr(p).replace("Plain", "Quote")
    assert hash(q) == hash(p)
    assert dataclasses.astuple(q) == dataclasses.astuple(p)
    assert q == Quote(*args, **kw) and q != p
    assert pickle.loads(pickle.dumps(q)) == q


def test_a_quick_record_stays_frozen():
    q = Quote("buy", 1, 2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        q.price = 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        del q.qty
    assert q.price == 1


@pytest.mark.parametrize("args,kw", [(("buy", 1), {}), (("buy", 1, 2, None, "gtc", 9), {}),
                                     (("buy", 1, 2), {"colour": "red"}),
                                     (("buy", 1, 2), {"side": "sell"})])
def test_wrong_arguments_are_refused_as_dataclass_refuses_them(args, kw):
    with pytest.raises(TypeError) as quick:
        Quote(*args, **kw)
    with pytest.raises(TypeError) as plain:
        Plain(*args, **kw)
    assert str(quick.value) == str(plain.value).replace("Plain", "Quote")


def test_only_frozen_slotted_plain_dataclasses_are_taken():
    @dataclasses.dataclass(slots=True)
    class Open:
        x: int

    @dataclasses.dataclass(frozen=True)
    class Unslotted:
        x: int

    @dataclasses.dataclass(frozen=True, slots=True)
    class Factory:
        x: list = dataclasses.field(default_factory=list)

    for cls in (Open, Unslotted, Factory):
        with pytest.raises(TypeError):
            quick_init(cls)


@pytest.mark.parametrize("cls,values", [(Trade, (5, "ETH-USDT", 7, 8, "sell")),
                                        (Fill, (5, "ETH-USDT", "buy", 7, 8, -3, "bt.4")),
                                        (Quote, ("buy", 1, 2, None, "ioc"))])
def test_a_record_made_by_its_slot_setters_is_the_record(cls, values):
    r = object.__new__(cls)
    for put, v in zip(slot_setters(cls), values):
        put(r, v)
    made = cls(*values)
    assert r == made and hash(r) == hash(made) and repr(r) == repr(made)
    assert pickle.loads(pickle.dumps(r)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.qty = 1


def test_slot_setters_refuse_other_classes():
    with pytest.raises(TypeError):
        slot_setters(dataclasses.make_dataclass("Loose", ["a"]))
    with pytest.raises(TypeError):
        slot_setters(int)
