"""`souq sim --bad` run twice on one database: the second run finds the bad actors' users
made and their wallets spent by the first, and tops each spent wallet up again (it used to
skip the set-up whenever the users existed, so a spent actor could no longer act)."""
from souq.engine.stream import parse_command
from souq.mm.sim.bad_actors import Structurer, WashTrader

from simkit import build


def _apply(ex, cmds):
    for c in cmds:
        assert ex.apply(parse_command(c, extended=True)).reason is None, c


def test_a_new_actor_is_made_funded_and_linked():
    ex = build([])
    cmds = WashTrader().setup(ex)
    assert [c["op"] for c in cmds] == ["user"] + ["deposit"] * 4 + ["user"] + ["deposit"] * 4 \
        + ["audit"]
    assert cmds[1] == {"op": "deposit", "user": "bad-wash-a", "asset": "IRR",
                       "amount": "500000000000000"}


def test_a_spent_wallet_is_topped_up_to_its_starting_amount_and_nothing_else():
    ex = build([])
    actor = WashTrader()
    _apply(ex, actor.setup(ex))
    assert actor.setup(ex) == []                      # all in place: nothing to do
    _apply(ex, [{"op": "withdraw", "user": "bad-wash-a", "asset": "BTC", "amount": "150.5"},
                {"op": "withdraw", "user": "bad-wash-b", "asset": "ETH", "amount": "999"}])
    # BTC at 49.5 of 200 is below half: topped up by 150.5; ETH at 1,001 of 2,000 is not
    assert actor.setup(ex) == [{"op": "deposit", "user": "bad-wash-a", "asset": "BTC",
                                "amount": "150.5"}]


def test_an_actor_without_funds_is_only_made():
    ex = build([])
    assert Structurer().setup(ex) == [{"op": "user", "user": "bad-struct", "role": "trader"}]
