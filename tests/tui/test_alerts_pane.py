"""The Alerts pane: the recent history from the database on start (not as toasts), time
and severity in their own columns, long texts wrapped at words with nothing lost."""
from souq.db import desk as D
from souq.db.api import Api
from tui_harness import FROZEN_NS, NARROW, WIDE, drive, keys, screen_text, settled

LONG = ("run 3 of fixed-btc is dead (no heartbeat for 12 s (limit 10 s)); marked dead and "
        "cancelled 4 open orders of mm-fixed: start it again with g in the Strategy pane")


def log(ws) -> None:
    api = Api(str(ws.path))
    try:
        D.log_alert(api.db, FROZEN_NS - 120 * 10**9, "fixed-btc", "critical", "dead", LONG)
        D.log_alert(api.db, FROZEN_NS - 60 * 10**9, "desk", "warning", "inventory",
                    "inventory at 72% of max_inventory (warning at 70%)")
    finally:
        api.close()


def alert_lines(app) -> list[str]:
    region = app.screen.query_one("#alerts-log").region
    rows = screen_text(app).splitlines()[region.y:region.bottom]
    return [r[region.x:region.right - 1].rstrip() for r in rows]     # not the scrollbar


def shown(ws, size, *keys_first) -> tuple[list[str], list]:
    seen = {}

    async def script(pilot):
        await keys(pilot, *keys_first)
        pilot.app.screen.query_one("#alerts-log").scroll_home(animate=False)
        await settled(pilot)
        seen["lines"] = alert_lines(pilot.app)
    messages = drive(ws.app(), script, size=size)
    return seen["lines"], messages


def test_history_on_start_wrapped_whole_with_severity_apart(workstation):
    log(workstation)
    for size, keys_first in ((WIDE, ()), (NARROW, ("6",))):
        lines, messages = shown(workstation, size, *keys_first)
        body = [line for line in lines if line.strip()]
        assert body[0].strip() == "── 2 earlier ──"
        first = body[1]
        assert first.startswith("11:58:00 critical fixed-btc: run 3")
        text_column = first.index("fixed-btc:")
        wrapped = []
        for line in body[2:]:
            if line[:text_column].strip():          # the next alert's time and severity
                break
            wrapped.append(line[text_column:])
        # every word, in order, each continuation under the text column (a hanging indent)
        words = " ".join([first[text_column:]] + wrapped).split()
        assert words == f"fixed-btc: {LONG}".split()
        assert any("11:59:00 warning  desk: inventory at 72%" in line for line in body)
        assert not [m for m in messages if type(m).__name__ == "Notify"]   # history: no toasts
