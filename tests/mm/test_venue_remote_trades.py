"""The remote venue's trade reading (mm/venue/remote.py) against a scripted gateway client:
a fill committed while the venue reads must still reach the runner as the key's own fill.
Found under load in CI: the public copy of a trade (users hidden) was read after the trade
committed while the key's own list had been read before it, so the run lost its fill."""
from souq.mm.venue.remote import RemoteVenue


class Refused(Exception):
    pass


FILL = {"trade_id": "1", "symbol": "BTC-IRR", "price": "99500000", "quantity": "0.01",
        "time": "2026-12-01T00:00:01.000000Z", "taker_side": "sell",
        "maker_user": "maker", "taker_user": "bob", "maker_order": "mm7.1~0",
        "taker_order": None, "maker_fee": "995", "taker_fee": "0"}
PUBLIC = {k: v for k, v in FILL.items()
          if k in ("trade_id", "symbol", "price", "quantity", "time", "taker_side")}


class Gateway:
    """A client whose one trade commits just after the first trades read of `take_trades`."""

    def __init__(self):
        self.committed = False
        self.reads_left_before_commit = None    # armed by the test

    def me(self):
        return {"user_id": "maker"}

    def trades(self, *, symbol=None, public=False, user_id=None, limit=None):
        out = ([PUBLIC] if public else [FILL]) if self.committed else []
        if self.reads_left_before_commit is not None:
            self.reads_left_before_commit -= 1
            if self.reads_left_before_commit == 0:
                self.committed = True
        return out


def test_a_fill_committed_between_the_two_reads_is_the_keys_own():
    gw = Gateway()
    v = RemoteVenue(gw, Refused)
    v.seen = v.newest = 0                       # the first look: no trade yet
    gw.reads_left_before_commit = 1             # the trade commits after the first read
    got = v.take_trades(["BTC-IRR"])
    later = v.take_trades(["BTC-IRR"])
    taken = got + later
    assert [(t.tid, t.maker_user, t.taker_user, t.maker_cid, t.maker_fee) for t in taken] \
        == [(1, "maker", "bob", "mm7.1", 995 * 10 ** 18)]


def test_a_trade_seen_by_both_reads_is_taken_once_with_its_users():
    gw = Gateway()
    gw.committed = True
    v = RemoteVenue(gw, Refused)
    v.seen = v.newest = 0
    assert [(t.tid, t.maker_user) for t in v.take_trades(["BTC-IRR"])] == [(1, "maker")]
    assert v.take_trades(["BTC-IRR"]) == []
