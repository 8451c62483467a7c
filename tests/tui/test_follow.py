"""The journal follower, a Textual worker (tui/follower.py, group follow): what others commit
reaches the screen; a slow poll holds the next one back instead of queueing polls or
views behind it; a failed poll is said and following goes on. No timing: a poll is held
on an event the test releases."""
import threading
import time

from souq.db.api import Api
from souq.mm.demo import DEMO_TRADER
from souq.tui.facade import ExchangeFacade, Focus
from tui_harness import FROZEN_NS, HANG, caught_up, drive, screen_text, wait_for


def wait_until(condition) -> None:
    """Until `condition()` holds (a hung test fails after HANG, never a slow one)."""
    deadline = time.monotonic() + HANG
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        time.sleep(0.001)


def bob_bids(ws, price: str, cid: str) -> None:
    api = Api(str(ws.path), "bob", clock=lambda: FROZEN_NS)
    try:
        r = api.execute({"op": "limit", "id": cid, "user": "bob", "symbol": "BTC-IRR",
                         "side": "buy", "price": price, "qty": "0.001"})
        assert r.accepted, r.reason
    finally:
        api.close()


def test_the_follower_is_a_worker_and_brings_others_orders_to_the_screen(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        seen["workers"] = [w.name for w in app.workers if w.group == "follow"]
        before = app.state.view.seq
        bob_bids(workstation, "90000000000", "bob-far")       # 90,000,000,000 in the book
        await wait_for(pilot, lambda: app.state.view.seq > before)
        await caught_up(pilot)
        seen["screen"] = screen_text(app)
    drive(workstation.app(), script)
    assert seen["workers"] == ["follow journal"]
    assert "90,000,000,000" in seen["screen"]


def test_a_slow_poll_holds_the_next_back_and_queues_nothing(workstation):
    seen = {"calls": 0, "busy": 0, "peak": 0}
    gate = threading.Event()

    async def script(pilot):
        app = pilot.app
        real = app.facade.follow

        def held(force: bool = True, view: bool = True):
            seen["calls"] += 1
            seen["busy"] += 1
            seen["peak"] = max(seen["peak"], seen["busy"])
            try:
                gate.wait(HANG)
                return real(force, view)
            finally:
                seen["busy"] -= 1
        app.facade.follow = held
        await wait_for(pilot, lambda: seen["busy"] == 1)      # a poll under way, held
        before = app.state.view.seq
        bob_bids(workstation, "90000000000", "bob-far")
        for _ in range(20):                                   # woken again and again
            app.follow()
            await pilot.pause()
        seen["while_held"] = seen["calls"]
        gate.set()
        await wait_for(pilot, lambda: app.state.view.seq > before)
        app.facade.follow = real
    drive(workstation.app(), script)
    assert seen["while_held"] == 1          # no poll queued behind the held one
    assert seen["peak"] == 1                # never two at once


def test_a_failed_poll_is_said_and_following_goes_on(workstation):
    seen = {}

    async def script(pilot):
        app = pilot.app
        real, failed = app.facade.follow, []

        def once(force: bool = True, view: bool = True):
            if not failed:
                failed.append(True)
                raise OSError("database gone for a moment")
            return real(force, view)
        app.facade.follow = once
        await wait_for(pilot, lambda: failed)
        before = app.state.view.seq
        bob_bids(workstation, "90000000000", "bob-far")
        await wait_for(pilot, lambda: app.state.view.seq > before)
        seen["toasts"] = [n.message for n in app._notifications]
    drive(workstation.app(), script)
    assert "following the journal: OSError: database gone for a moment" in seen["toasts"]


def test_polls_start_an_interval_apart_however_long_one_takes():
    """Start to start: a poll that took most of the interval is followed soon after, not
    a whole interval after it ended; but never with no pause for the screen to draw."""
    from souq.tui.follower import GAP, JournalFollower
    f = JournalFollower(None, show=lambda ready: None, failed=lambda text: None, every=0.05)
    assert f._pause(0.0) == 0.05
    assert abs(f._pause(0.03) - 0.02) < 1e-9
    assert f._pause(0.2) == 0.05 * GAP
    f.close()


def test_a_poll_builds_no_view_for_a_command_waiting_behind_it(workstation):
    """A command waiting for the exchange's lock makes the poll holding it skip its view:
    the command's answer carries one built after it."""
    facade = ExchangeFacade(str(workstation.path), Focus("BTC-IRR", DEMO_TRADER),
                            clock=lambda: FROZEN_NS)
    gate, polled, answered = threading.Event(), [], []
    try:
        facade.open()
        facade.follow()
        bob_bids(workstation, "90000000000", "bob-far")       # the journal moved
        refresh = facade.api.refresh

        def held() -> None:
            gate.wait(HANG)
            refresh()
        facade.api.refresh = held
        poll = threading.Thread(target=lambda: polled.append(facade.follow(False)))
        poll.start()
        command = threading.Thread(target=lambda: answered.append(facade.submit(
            {"op": "limit", "id": "t-1", "user": DEMO_TRADER, "symbol": "BTC-IRR",
             "side": "buy", "price": "90000000000", "qty": "0.001"})))
        command.start()
        wait_until(lambda: facade._commands == 1)               # waiting behind the poll
        gate.set()
        poll.join(HANG)
        command.join(HANG)
    finally:
        gate.set()
        facade.close()
    assert polled == [None]
    done = answered[0]
    assert done.reason is None and done.ready.view.seq == done.result.seq
    assert any(o["client_id"] == "t-1" for o in done.ready.view.orders)


def test_a_poll_while_a_command_is_under_way_leaves_the_journal_to_it(workstation):
    """The command catches up on the journal itself: a poll neither replays nor builds."""
    facade = ExchangeFacade(str(workstation.path), Focus("BTC-IRR", DEMO_TRADER),
                            clock=lambda: FROZEN_NS)
    refreshed = []
    try:
        facade.open()
        facade.follow()
        bob_bids(workstation, "90000000000", "bob-far")       # the journal moved
        real = facade.api.refresh
        facade.api.refresh = lambda: (refreshed.append(1), real())
        facade._commands = 1                                  # as submit counts one
        assert facade.follow(False) is None and refreshed == []
        facade._commands = 0
        assert facade.follow(False) is not None and refreshed == [1]
    finally:
        facade.close()


def test_a_poll_for_a_covered_screen_replays_but_builds_no_view(workstation):
    facade = ExchangeFacade(str(workstation.path), Focus("BTC-IRR", DEMO_TRADER),
                            clock=lambda: FROZEN_NS)
    try:
        facade.open()
        before = facade.follow().view.seq
        bob_bids(workstation, "90000000000", "bob-far")       # the journal moved
        assert facade.follow(False, view=False) is None
        assert facade.api.exchange().seq > before             # replayed all the same
        assert facade.follow(False).view.seq == facade.api.exchange().seq
    finally:
        facade.close()


def alice_trades(ws, n: int) -> None:
    """alice (another process) buys the best ask twice, rests a bid and cancels an order
    she never placed (rejected); `n` numbers her client ids."""
    api = Api(str(ws.path), "alice", clock=lambda: FROZEN_NS)
    try:
        for cmd in ({"op": "limit", "id": f"a{n}-1", "user": "alice", "symbol": "BTC-IRR",
                     "side": "buy", "price": "95000500000", "qty": "0.0001"},
                    {"op": "market", "id": f"a{n}-2", "user": "alice", "symbol": "BTC-IRR",
                     "side": "buy", "qty": "0.0001"},
                    {"op": "limit", "id": f"a{n}-3", "user": "alice", "symbol": "BTC-IRR",
                     "side": "buy", "price": "90000000000", "qty": "0.0001"},
                    {"op": "cancel", "user": "alice", "id": "never"}):
            api.execute(cmd)
    finally:
        api.close()


def test_what_the_store_hands_over_makes_the_same_tape_and_alerts_as_reading_back(workstation):
    """An opened facade takes the tape's trades and the alerts' entries from what its store
    applies; one never opened reads them back from the database. Their views agree, also
    after the store reloaded and so never handed some entries over (then it reads)."""
    handed = ExchangeFacade(str(workstation.path), Focus("BTC-IRR", "alice"))
    handed.open()
    read = ExchangeFacade(str(workstation.path), Focus("BTC-IRR", "alice"))
    try:
        first = handed.follow(True)
        assert read.follow(True).alerts == first.alerts == []
        tape = [t["id"] for t in first.view.trades]
        for n in (1, 2):
            alice_trades(workstation, n)
            if n == 2:                  # what alice committed is loaded, never handed over
                handed.api.store.reload()
            a, b = handed.follow(True), read.follow(True)
            assert a.view.seq == b.view.seq
            assert a.view.trades == b.view.trades and a.view.position == b.view.position
            newest = tape[0] if tape else 0        # the tape is newest first
            tape = [newest + 2, newest + 1] + tape
            assert [t["id"] for t in a.view.trades] == tape
            s = a.view.seq              # the cancel; the three orders' ids are the seqs before
            assert [x.text for x in a.alerts] == [
                f"order {s - 3} filled", f"order {s - 2} filled",
                "cancel rejected: unknown order id 'never' for alice"]
            assert a.alerts == b.alerts
        assert handed._told_seq == a.view.seq     # handed over again from there on
    finally:
        handed.close()
        read.close()


def test_each_poll_waits_for_the_screen_to_draw_first():
    """The follower awaits `settled` (the screen has drawn what it was given) before it
    polls: a poll's replay never shares the interpreter with the frame before it."""
    import asyncio

    from souq.tui.follower import JournalFollower
    events = []

    async def main():
        gate = asyncio.Event()

        async def settled():
            events.append("settle")
            await gate.wait()
            events.append("settled")

        class Facade:
            def follow(self, force: bool = True, view: bool = True):
                events.append("poll")
                return None
        f = JournalFollower(Facade(), show=lambda ready: None, failed=lambda text: None,
                            every=HANG, settled=settled)
        task = asyncio.create_task(f.run())
        f.wake()
        while "settle" not in events:
            await asyncio.sleep(0.001)
        gate.set()
        while "poll" not in events:
            await asyncio.sleep(0.001)
        f.close()
        await asyncio.wait_for(task, HANG)
    asyncio.run(main())
    assert events[:3] == ["settle", "settled", "poll"]


def test_the_workstation_polls_after_its_screen_is_drawn(workstation):
    """SouqApp hands the follower its screen's refresh to wait for; following goes on."""
    seen = {"settled": 0}

    async def script(pilot):
        app = pilot.app
        real = app.follower.settled

        async def counted():
            seen["settled"] += 1
            await real()
        app.follower.settled = counted
        before = app.state.view.seq
        bob_bids(workstation, "90000000000", "bob-far")
        await wait_for(pilot, lambda: app.state.view.seq > before)
        await app._settled()            # the screen idle or drawn: returns
    drive(workstation.app(), script)
    assert seen["settled"] > 0
