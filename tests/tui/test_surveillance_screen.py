"""The Surveillance screen: the cases table with a case's evidence at 160x48 and 80x24,
and the review desk by keyboard: a note, a confirmation before suspending, the decision
journalled with who and why."""
import json
import sqlite3

import pytest

from souq.db.api import Api
from souq.mm.surveillance.follower import Follower
from souq.mm.surveillance.monitor import LINK
from souq.tui.screens.surveillance import SurveillanceScreen
from tui_harness import (NARROW, WIDE, drive, keys, screen_text, settle, settled, wait_for,
                         workers_done)

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["160x48", "80x24"])


def with_case(ws):
    """alice and bob, linked as one owner, trade with each other four times; the follower
    opens case 1."""
    cmds = [{"op": "audit", "action": LINK, "subject": "alice,bob", "note": "one owner"}]
    for i in range(4):
        cmds += [{"op": "limit", "id": f"w{i}", "user": "alice", "symbol": "BTC-IRR",
                  "side": "sell", "price": "94999600000", "qty": "0.01"},
                 {"op": "limit", "id": f"v{i}", "user": "bob", "symbol": "BTC-IRR",
                  "side": "buy", "price": "94999600000", "qty": "0.01", "tif": "ioc"}]
    ws.execute(cmds)
    api = Api(str(ws.path))
    try:
        assert len(Follower(api.db, clock=lambda: 0).poll().alerts) == 1
    finally:
        api.close()
    return ws


async def open_screen(pilot) -> None:
    """S, then wait for the cases to be in the table and everything it started to settle
    (a snapshot taken before would size the columns for an empty table)."""
    await settle(pilot)
    await keys(pilot, "S")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SurveillanceScreen)
                   and pilot.app.screen.query_one("#surv-cases").row_count > 0)
    await settled(pilot)


@SIZES
def test_surveillance_case_and_evidence(snap_compare, workstation, size):
    """S opens the screen: case 1 in the table, its alert, orders, trades and history below."""
    assert snap_compare(with_case(workstation).app(), run_before=open_screen, terminal_size=size)


def test_confirm_with_suspension_asks_first_and_is_journalled(workstation):
    ws = with_case(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        assert isinstance(pilot.app.screen, SurveillanceScreen)
        seen["evidence"] = screen_text(pilot.app)
        await pilot.press("f")                      # no note yet: refused, nothing sent
        await pilot.pause()
        seen["no_note"] = str(pilot.app.screen.query_one("#surv-status").render())
        await pilot.press("n", *"wash between linked accounts", "enter", "F")
        await pilot.pause()
        seen["asked"] = type(pilot.app.screen).__name__
        await pilot.press("n")                      # no: nothing happens
        await pilot.pause()
        seen["declined"] = str(pilot.app.screen.query_one("#surv-status").render())
        await pilot.press("F", "y")
        await workers_done(pilot.app)
        await pilot.pause()
        await workers_done(pilot.app)
        await pilot.pause()
        seen["done"] = str(pilot.app.screen.query_one("#surv-status").render())
        # the note went with the decision: the next case's needs its own reason
        seen["note_after"] = pilot.app.screen.query_one("#surv-note").value
        await pilot.press("escape")
        await pilot.pause()
        seen["after"] = type(pilot.app.screen).__name__

    drive(ws.app(), script)
    assert "wash_trading on alice, bob in BTC-IRR (open, critical)" in seen["evidence"]
    assert "self-trades: 4 trades" in seen["evidence"]
    assert seen["no_note"] == "confirm needs a note: press n, type why, Enter"
    assert seen["asked"] == "Confirm" and seen["declined"] == "not confirmed"
    assert seen["done"] == "case 1 confirmed; suspended alice, bob"
    assert seen["note_after"] == ""
    assert seen["after"] == "MainScreen"
    users = {u["name"]: u["status"] for u in ws.read("users")}
    assert users["alice"] == users["bob"] == "suspended"
    assert ws.open_orders("alice") == []
    with sqlite3.connect(ws.path) as c:
        audits = [(a, json.loads(b)) for a, b in c.execute(
            "select actor, body from journal where op = 'audit' order by seq")]
    assert [(a, b["action"], b["subject"], b.get("note")) for a, b in audits][-1] == (
        "@operator", "case_confirm", "case 1", "wash between linked accounts")
