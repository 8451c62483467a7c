"""The desk on the UI side: reads strategy configurations, runs and their figures, and asks
runs to start, pause, stop or die. Called only from thread workers; it posts nothing and
holds no widget. The rules live in mm/desk (configs, launch, report); this only calls them.

It has its own Api (and connection pool) beside the exchange facade's, so a second of
desk reads never waits on the journal follower's lock.
"""
import time
from dataclasses import dataclass, field

from textual.message import Message

from souq.db import desk as D
from souq.db.api import Api
from souq.engine.model import OPERATOR
from souq.mm.desk import configs, launch, watchdog
from souq.mm.alerts import Alert
from souq.mm.desk.report import report

from .desk_maker import MakerView, maker_views, new_fills

HISTORY = 50                # alerts logged before the workstation opened, shown at start
FIGURES = ("inventory", "realised", "unrealised", "fees", "total", "spread")


@dataclass(frozen=True)
class StrategyRow:
    """One configuration as the Strategy and Inventory panes show it."""
    name: str
    template: str
    symbol: str
    user: str
    stage: str
    version: int
    state: str                  # never run | running | paused | stopping | stopped | killed
    run_id: int | None = None
    run_version: int | None = None
    max_inventory: str = "0"
    target: str = "0"
    base: str = ""
    quote: str = ""
    figures: dict | None = field(default=None, compare=True, hash=False)   # FIGURES


@dataclass(frozen=True)
class DeskView:
    rows: tuple[StrategyRow, ...]
    focus: str | None = None            # the configuration whose samples are included
    samples: tuple = ()                 # (ts, inventory, pnl) text, oldest first
    alerts: tuple[Alert, ...] = ()      # desk alerts logged since the last view
    history: tuple[Alert, ...] = ()     # the first view only: the newest HISTORY logged before
    makers: tuple[MakerView, ...] = ()  # every active run's quotes and fills
    fills: tuple = ()                   # (name, Fill) new since the last view, oldest first
    now: int = 0                        # when it was read (ns), for the quotes' age

    def maker(self, name: str | None) -> MakerView | None:
        return next((m for m in self.makers if m.name == name), None)

    def row(self, name: str | None) -> StrategyRow | None:
        return next((r for r in self.rows if r.name == name), None)


class DeskReady(Message):
    """A fresh DeskView."""

    def __init__(self, view: DeskView) -> None:
        super().__init__()
        self.view = view


class DeskDone(Message):
    """A desk action finished: `error` is the one-line reason it was refused, else None;
    `text` says what was done."""

    def __init__(self, action: str, name: str, text: str = "", error: str | None = None,
                 result=None) -> None:
        super().__init__()
        self.action, self.name, self.text, self.error = action, name, text, error
        self.result = result


def _alert(r: dict) -> Alert:
    return Alert(r["id"], r["ts"], r["severity"], f"{r['source']}: {r['text']}")


class DeskFacade:
    def __init__(self, url: str, clock=time.time_ns, command=None) -> None:
        self.api = Api(url, OPERATOR, clock=clock)
        self.command = command or launch.runner_command(self.api.url)
        self._reports: dict[int, dict] = {}        # finished runs never change
        self._alert_id: int | None = None          # alerts start from when the app opened
        self._fills_seen: dict[int, int] | None = None   # fills news from when it opened

    # ----------------------------------------------------------- reads
    def view(self, focus: str | None) -> DeskView:
        watchdog.reap(self.api, self.api.clock())     # a dead runner shows as dead
        rows = tuple(self._row(cfg) for cfg in configs.listing(self.api))
        picked = next((r for r in rows if r.name == focus), None) or (rows[0] if rows else None)
        samples = ()
        if picked is not None and picked.run_id is not None:
            samples = tuple((s["ts"], s["inventory"], s["equity"])
                            for s in self.api.read(D.samples, picked.run_id))
        now = self.api.clock()
        makers = self.api.read(maker_views, now)
        fills, self._fills_seen = new_fills(makers, self._fills_seen)
        history = self._history() if self._alert_id is None else ()
        return DeskView(rows, picked.name if picked else None, samples, self._new_alerts(),
                        history, makers, fills, now)

    def _history(self) -> tuple[Alert, ...]:
        """The newest HISTORY desk alerts logged before now, oldest first."""
        rows = self.api.read(D.alerts, limit=HISTORY)
        return tuple(_alert(r) for r in sorted(rows, key=lambda r: r["id"]))

    def _new_alerts(self) -> tuple[Alert, ...]:
        rows = self.api.read(D.alerts_after, self._alert_id or 0)
        if self._alert_id is None:
            self._alert_id = rows[-1]["id"] if rows else 0
            return ()
        if rows:
            self._alert_id = rows[-1]["id"]
        return tuple(_alert(r) for r in rows)

    def _row(self, cfg: dict) -> StrategyRow:
        run = cfg["run"]
        row = dict(name=cfg["name"], template=cfg["template"], symbol=cfg["symbol"],
                   user=cfg["user"], stage=cfg["stage"], version=cfg["version"],
                   state=run["state"] if run else "never run",
                   max_inventory=_param(cfg, "max_inventory"),
                   target=_param(cfg, "target_inventory"))
        if run is not None:
            r = self._report(run)
            row.update(run_id=run["id"], run_version=run["version"], base=r["base"],
                       quote=r["quote"], figures={
                           "inventory": r["inventory"], "realised": r["pnl"]["realised"],
                           "unrealised": r["pnl"]["unrealised"], "fees": r["pnl"]["fees"],
                           "total": r["pnl"]["total"], "spread": r["spread_captured"]})
        return StrategyRow(**row)

    def _report(self, run: dict) -> dict:
        done = self._reports.get(run["id"])
        if done is not None:
            return done
        r = report(self.api, run["id"])
        if run["state"] in launch.DONE:
            self._reports[run["id"]] = r
        return r

    def parameters(self, name: str) -> tuple[dict, list[dict]]:
        """The configuration and its parameter rows (value, unit, range, help)."""
        cfg = configs.get(self.api, name)
        return cfg, configs.parameter_rows(cfg)

    # ----------------------------------------------------------- actions
    def change(self, name: str, values: dict[str, str]) -> DeskDone:
        """All of `values` as the next version, or nothing and the reason."""
        before, after = configs.change(self.api, name, values)
        if after is None:
            return DeskDone("change", name, f"{name}: nothing changed", result=before)
        moved = ", ".join(f"{k} {before['params'].get(k)} → {v}"
                          for k, v in after["params"].items() if before["params"].get(k) != v)
        return DeskDone("change", name, f"{name} version {after['version']}: {moved}",
                        result=after)

    def start(self, name: str) -> DeskDone:
        row = launch.start(self.api, name, self.command)
        return DeskDone("start", name, f"{name} started: run {row['id']}", result=row)

    def set_state(self, name: str, state: str) -> DeskDone:
        """Pause (`paused`) or resume (`running`) the active run through its row."""
        configs.get(self.api, name)
        run = self.api.read(D.active_run, name)
        if run is None:
            raise configs.ConfigError(f"{name} is not running")
        if run["state"] == "stopping":
            raise configs.ConfigError(f"{name} is stopping")
        if run["state"] == state:
            raise configs.ConfigError(f"{name} is already {state}")
        D.set_run_state(self.api.db, run["id"], state)
        return DeskDone(state, name, f"{name} run {run['id']}: {state}", result=run["id"])

    def ask_stop(self, names) -> list[int]:
        """Ask the active run of each of `names` to stop (its runner stops at its next poll
        and cancels its quotes), without waiting for it; the run ids asked."""
        asked = []
        for name in names:
            run = self.api.read(D.active_run, name)
            if run is not None and run["state"] != "stopping":
                D.set_run_state(self.api.db, run["id"], "stopping")
                asked.append(run["id"])
        return asked

    def stop(self, name: str) -> DeskDone:
        row = launch.stop(self.api, name)
        return DeskDone("stop", name, f"{name} run {row['id']}: {row['state']}", result=row)

    def kill(self, name: str, wait: float = 5.0) -> DeskDone:
        """The kill switch: the run is told to die and every open order of the strategy's
        user is cancelled now; then, once the runner has exited (or `wait` seconds), once
        more, so nothing it placed in between stays on the book."""
        cfg = configs.get(self.api, name)
        run = self.api.read(D.active_run, name)
        if run is not None:
            D.set_run_state(self.api.db, run["id"], "killed", ts=self.api.clock(),
                            reason="kill switch: from the workstation")
        n = self._cancel_all(cfg["user"])
        if run is not None and run["pid"]:
            deadline = time.monotonic() + wait
            while launch.alive(run["pid"]) and time.monotonic() < deadline:
                time.sleep(0.05)
            n += self._cancel_all(cfg["user"])
        what = f"run {run['id']} killed" if run else "not running"
        return DeskDone("kill", name, f"{name}: {what}, {n} open order{'s' * (n != 1)} of "
                        f"{cfg['user']} cancelled", result=run["id"] if run else None)

    def _cancel_all(self, user: str) -> int:
        """Cancel every open order of `user` as that user; how many there were."""
        self.api.refresh()
        n = len(self.api.orders(user=user, status="open"))
        if not n:
            return 0
        actor, self.api.actor = self.api.actor, user
        try:
            result = self.api.execute({"op": "cancel_all", "user": user})
        finally:
            self.api.actor = actor
        if result.reason:
            raise configs.ConfigError(f"cancelling {user}'s orders: {result.reason}")
        return n

    def close(self) -> None:
        self.api.close()


def _param(cfg: dict, name: str) -> str:
    """A limit for the strategies pane: `configs.param_value`, "0" only for a template
    without that parameter (every template has both limits, mm/desk/params.py)."""
    value = configs.param_value(cfg, name)
    return "0" if value is None else value
