"""The venue seam's order port: typed commands become the engine commands the order stream
would parse from their text, built without the text."""
import desk_kit as kit
from souq.engine.stream import parse_command
from souq.mm.venue.local import LocalVenue, engine_command
from souq.mm.venue.ports import Amend, Cancel, CancelAll, Place, stream_command

E = 10**9


def test_engine_commands_equal_what_the_stream_parses():
    for cmd in (Place("a.1", "T-USD", "buy", 998 * E, E // 2),
                Place("a.2", "T-USD", "sell", 1002 * E, 3 * E, "ioc", "none"),
                Amend("a.1", price=997 * E), Amend("a.1", qty=E), Amend("a.1", 1, 2),
                Cancel("a.1"), CancelAll(), CancelAll("T-USD")):
        assert engine_command(cmd, "mm") == parse_command(stream_command(cmd, "mm"),
                                                          extended=True), cmd


def test_a_number_the_stream_refuses_is_refused_in_its_words():
    got = engine_command(Place("a.1", "T-USD", "buy", 0, E), "mm")
    assert got == parse_command(stream_command(Place("a.1", "T-USD", "buy", 0, E), "mm"),
                                extended=True)
    assert got.invalid == "price must be positive, got '0'"


def test_the_stream_shape():
    assert stream_command(Place("a.1", "T-USD", "buy", 998 * E, E // 2), "mm") == {
        "op": "limit", "id": "a.1", "user": "mm", "symbol": "T-USD", "side": "buy",
        "price": "998", "qty": "0.5", "stp": "cancel_newest"}
    assert stream_command(Amend("a.1", qty=E), "mm") == {"op": "amend", "id": "a.1",
                                                          "user": "mm", "qty": "1"}
    assert stream_command(CancelAll("T-USD"), "mm") == {"op": "cancel_all", "user": "mm",
                                                        "symbol": "T-USD"}


def test_a_local_venue_places_amends_and_cancels_on_its_exchange():
    ex = kit.market()
    seen = []
    v = LocalVenue(lambda: ex, seen.append)
    assert v.place(Place("v.1", "T-USD", "buy", 998 * E, E // 2), "mm", now=1) is None
    assert v.open_cids("mm") == ["v.1"]
    assert v.amend("v.1", "mm", price=997 * E, now=2) is None
    o = v.open_order("mm", "v.1")
    assert (o.symbol, o.side, o.price, o.qty, o.filled) == ("T-USD", "buy", 997 * E, E // 2, 0)
    assert v.cancel("v.1", "mm", now=3) is None
    assert v.open_cids("mm") == [] and v.cancel("v.1", "mm", now=4) is not None
    assert v.symbols()["T-USD"].base == "T" and len(seen) == 4
