"""The Backtest screen: its form, a finished run's report and two runs compared, at
160x48 and 80x24; and a backtest run from the screen ends up stored.

Deterministic: fixed seeds, the harness's frozen clock (the stored runs' created time),
no ETA on the progress bar, no code version on screen.
"""
import pytest

from souq.db import backtests as B
from souq.db.api import Api
from tui_desk_kit import with_desk
from souq.tui.screens.backtest import BacktestScreen
from tui_harness import NARROW, WIDE, drive, keys, settle, settled

SIZES = pytest.mark.parametrize("size", [WIDE, NARROW], ids=["160x48", "80x24"])
RUN = dict(config="fixed-btc", source="scenario:high_volatility", duration="20", seed="1")
MODELS = ("queue", "entry", "response", "fees")     # the model fields' ids, bt-<name>


async def open_screen(pilot) -> None:
    await settle(pilot)
    await keys(pilot, "B")


async def run_one(pilot, *, overrides: str = "", **fields) -> None:
    """Fill the form (the selects set as a choice would), Ctrl+R, wait for the worker."""
    screen = pilot.app.screen
    values = RUN | fields
    screen.query_one("#bt-config").value = values["config"]
    screen.query_one("#bt-source").value = values["source"]
    screen.query_one("#bt-duration").value = values["duration"]
    screen.query_one("#bt-seed").value = values["seed"]
    screen.query_one("#bt-overrides").value = overrides
    for name in MODELS:
        if name in fields:
            screen.query_one(f"#bt-{name}").value = fields[name]
    await keys(pilot, "ctrl+r")          # the run's worker, then the runs list's


async def two_compared(pilot) -> None:
    await open_screen(pilot)
    await run_one(pilot)
    await run_one(pilot, seed="2")
    screen = pilot.app.screen
    if screen.has_class("narrow"):
        await keys(pilot, "v")          # back from the report to the setup and the runs
    screen.query_one("#bt-runs").focus()
    await settled(pilot)
    await keys(pilot, "space", "down", "space", "c")


async def one_run(pilot) -> None:
    await open_screen(pilot)
    await run_one(pilot)
    pilot.app.screen.query_one("#bt-runs").focus()
    await settled(pilot)


@SIZES
def test_backtest_form(snap_compare, workstation, size):
    """B opens the screen: the first configuration and scenario chosen, no runs yet."""
    assert snap_compare(with_desk(workstation).app(), run_before=open_screen,
                        terminal_size=size)


@SIZES
def test_backtest_report(snap_compare, workstation, size):
    """A finished run: stored, listed, its figures beside equity and inventory charts."""
    assert snap_compare(with_desk(workstation).app(), run_before=one_run, terminal_size=size)


@SIZES
def test_backtest_compare(snap_compare, workstation, size):
    """Two seeds of one configuration marked with Space and compared with c."""
    assert snap_compare(with_desk(workstation).app(), run_before=two_compared,
                        terminal_size=size)


def test_a_run_from_the_screen_is_stored_and_shown(workstation):
    ws = with_desk(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        assert isinstance(pilot.app.screen, BacktestScreen)
        await run_one(pilot, overrides="order_amount=0.003")
        screen = pilot.app.screen
        seen["report"] = screen.query_one("#bt-report").report
        seen["status"] = str(screen.query_one("#bt-status").render())
        await keys(pilot, "escape")
        seen["after"] = type(pilot.app.screen).__name__

    messages = drive(ws.app(), script)
    kinds = [type(m).__name__ for m in messages]
    assert "Progress" in kinds and kinds.index("Progress") < kinds.index("Finished")
    api = Api(str(ws.path))
    try:
        with api.db.connect() as conn:
            runs = B.runs(conn)
    finally:
        api.close()
    assert [(r["id"], r["config"], r["scenario"], r["seed"], r["duration_ns"], r["overrides"],
             r["created_ts"]) for r in runs] == [
        (1, "fixed-btc", "high_volatility", 1, 20 * 10**9, {"order_amount": "0.003"},
         1_740_830_400_000_000_000)]
    report = seen["report"]
    assert report.run["id"] == 1 and report.figures == runs[0]["figures"]
    assert seen["status"] == "run 1 stored"
    assert seen["after"] == "MainScreen"


def test_bad_form_is_refused_and_stores_nothing(workstation):
    ws = with_desk(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        await run_one(pilot, duration="zero")
        seen["status"] = str(pilot.app.screen.query_one("#bt-status").render())
        await run_one(pilot, overrides="nope=1")
        seen["second"] = str(pilot.app.screen.query_one("#bt-status").render())

    drive(ws.app(), script)
    assert seen["status"] == ("refused: duration: 'zero' is not a number (finite, in ASCII "
                              "digits)")
    assert seen["second"].startswith("refused: unknown parameter 'nope'; known: ")
    api = Api(str(ws.path))
    try:
        with api.db.connect() as conn:
            assert B.runs(conn) == []
    finally:
        api.close()


def test_run_list_and_report_read_irr_whole_and_grouped_never_cut(workstation):
    """The runs list's PnL and the report's money: IRR at its 0 places, grouped, whole
    (a newcomer saw -3682433.1 cut to -3682433. and -78,996,723.77 IRR)."""
    from decimal import Decimal
    from souq.mm.display import number
    from textual.widgets import DataTable
    ws = with_desk(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        await run_one(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#bt-runs", DataTable)
        seen["pnl"] = str(table.get_cell("1", "pnl"))
        seen["width"] = table.columns["pnl"].width
        seen["lines"] = screen.query_one("#bt-report").report.lines
    drive(ws.app(), script)
    api = Api(str(ws.path))
    try:
        with api.db.connect() as conn:
            total = B.runs(conn)[0]["figures"]["pnl"]["total"]
    finally:
        api.close()
    assert seen["pnl"] == number(Decimal(total), 0) and len(seen["pnl"]) <= seen["width"]
    assert "," in seen["pnl"]
    money = {label: value for _, label, value in seen["lines"] if "(IRR" in label}
    assert money["PnL total (IRR)"] == seen["pnl"]
    assert money and all("." not in v for v in money.values()), money


def stored_models(ws) -> list[dict]:
    import json
    api = Api(str(ws.path))
    try:
        with api.db.connect() as conn:
            return [json.loads(B.run(conn, r["id"])["result"])["spec"]["models"]
                    for r in B.runs(conn)]
    finally:
        api.close()


def test_the_models_chosen_on_the_form_run_and_are_recorded(workstation):
    ws = with_desk(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        await run_one(pilot, queue="probabilistic:2", entry="5", response="30",
                      fees="flat_bps:1.5")
        seen["status"] = str(pilot.app.screen.query_one("#bt-status").render())
    drive(ws.app(), script)
    assert seen["status"] == "run 1 stored"
    assert stored_models(ws) == [{"queue": "probabilistic:2", "latency": "constant",
                                  "entry_ns": 5_000_000, "response_ns": 30_000_000,
                                  "fees": "flat_bps:1.5"}]


@pytest.mark.parametrize("field, value, said", [
    ("queue", "optimistic", "refused: Queue model: queue model 'optimistic': use "),
    ("queue", "probabilistic:11", "refused: Queue model: "),
    ("entry", "-1", "refused: Entry latency: "),
    ("response", "soon", "refused: Response latency: "),
    ("fees", "flat_bps:x", "refused: Fee model: fee model 'flat_bps:x': use "),
])
def test_a_bad_model_field_is_named_in_one_line_and_starts_nothing(workstation, field,
                                                                   value, said):
    ws = with_desk(workstation)
    seen = {}

    async def script(pilot) -> None:
        await open_screen(pilot)
        await run_one(pilot, **{field: value})
        screen = pilot.app.screen
        seen["status"] = str(screen.query_one("#bt-status").render())
        seen["running"] = screen.running
        seen["workers"] = [w.group for w in pilot.app.workers if w.group == "bt-run"]
    messages = drive(ws.app(), script)
    assert seen["status"].startswith(said) and "\n" not in seen["status"]
    assert not seen["running"] and seen["workers"] == []
    assert "Progress" not in [type(m).__name__ for m in messages]
    assert stored_models(ws) == []


@SIZES
def test_backtest_form_refused_model(snap_compare, workstation, size):
    """A queue model the backtest does not know: the status line names the field."""
    async def run_before(pilot) -> None:
        await open_screen(pilot)
        pilot.app.screen.query_one("#bt-queue").value = "fifo"
        await keys(pilot, "ctrl+r")
    assert snap_compare(with_desk(workstation).app(), run_before=run_before,
                        terminal_size=size)
