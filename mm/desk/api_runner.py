"""A strategy run on a database: ApiRunner, the desk's runner for `souq mm run`.

One transaction per decision, an mm_runs row, samples, alerts in the alert log, live
configuration reloads and pause/stop requests read from its own run row. The market it
quotes on is a venue: the database's own exchange (DatabaseVenue), a remote souq
(RemoteVenue), or one venue per symbol (RoutedVenue: quote on one, hedge on another).
"""
import os
import time

from souq.db import desk
from souq.db.api import Api
from souq.db.load import to_int
from souq.engine.model import ADMIN, OPERATOR
from souq.engine.numbers import fmt, fmt_amount
from souq.mm.venue.database import DatabaseVenue
from souq.mm.venue.ports import Cancel, Venue

from . import watchdog
from .alerts import DbSink
from .configs import ConfigError, may_run
from .runner import StrategyRunner

POLL_EVERY = 500_000_000        # ns: run state and configuration version


class ApiRunner(StrategyRunner):
    """On a database through db.api.Api, acting as the configuration's user: one
    transaction per decision, an mm_runs row, samples, alerts in the alert log, live
    configuration reloads and pause/stop requests read from its own run row."""

    def __init__(self, url: str | None, name: str, *, mode: str = "live",
                 on_critical: str | None = None, requester: str = OPERATOR,
                 clock=time.time_ns, shared: Api | None = None,
                 venue: Venue | None = None) -> None:
        """`shared`: an Api whose in-memory exchange this run shares (one for everything in
        a process, as a simulation and its runners); `venue`: where to quote when not on
        this database. Raises ValueError for an unknown configuration or a requester who
        may not run it."""
        self._shared = shared is not None
        self.api = (shared.sharing_store(requester, clock) if shared is not None
                    else Api(url, actor=requester, clock=clock))    # the journal's times
        cfg = self.api.read(desk.config, name)
        if cfg is None:
            raise ValueError(f"no strategy configuration {name!r}")
        if requester != cfg["user"] and self.api.role() != ADMIN:
            raise ValueError(f"{requester} may not run {name}: it trades as {cfg['user']}")
        self.api.actor = cfg["user"]
        self.engine = self.api.db
        self.mode = mode
        self.run_id: int | None = None
        self._next_poll = 0
        super().__init__(cfg, sink=DbSink(self.engine, name, on_critical))
        self.remote = venue is not None         # the market is elsewhere: a gateway
        # the configuration's home; trades reach a local run as the store commits or
        # catches up on them (no query); a remote run's trades are its venue's
        self.home = DatabaseVenue(self.api, None if self.remote else self.record)
        self._venue = venue if venue is not None else self.home

    def venue(self) -> Venue:
        return self._venue

    def refresh(self) -> bool:
        if not self.home.refresh():     # locked or unreachable past the busy timeout
            return False
        if not self.remote:
            return True
        ok = self._venue.refresh()
        self._tape += self._venue.take_trades(self.watch)
        return ok

    def start(self, now: int) -> None:
        """Refuse a second run of the same configuration, clear what a dead earlier run
        left on the book, then write the run row (state running)."""
        with self.engine.connect() as conn:
            active = desk.active_run(conn, self.name)
            earlier = {r["id"] for r in desk.runs(conn, self.name)}
        may_run(self.api.read(desk.config, self.name), "exchange")
        if active is not None:
            why = watchdog.why_dead(active, now)
            if why is None:
                raise ValueError(f"{self.name} is already running (run {active['id']}, "
                                 f"pid {active['pid']})")
            watchdog.bury(self.api, active, why, now)
        super().start(now)
        self._clear_leftovers(earlier, now)
        v = self.venue()
        v.refresh()
        self.valuation.start(v)
        start = self.valuation
        self.run_id = desk.start_run(self.engine, self.name, self.cfg["version"], self.mode,
                                     now, self.home.journal_seq(), fmt_amount(start.base0),
                                     fmt_amount(start.quote0), pid=os.getpid())
        self.prefix = f"mm{self.run_id}."

    def _clear_leftovers(self, run_ids: set[int], now: int) -> None:
        stale = [cid for cid in self.venue().open_cids(self.user)
                 if cid.startswith("mm") and _run_of(cid) in run_ids]
        if stale:
            self.submit([Cancel(cid) for cid in stale], now)

    def poll(self, now: int) -> None:
        """About every 0.5 s: beat the heartbeat, act on the run row's state and on a newer
        configuration, and bury any other run whose runner died (mm.desk.watchdog)."""
        if now < self._next_poll or self.done:
            return
        self._next_poll = now + POLL_EVERY
        desk.beat(self.engine, self.run_id, now)
        with self.engine.connect() as conn:
            row = desk.run(conn, self.run_id)
            latest = desk.config(conn, self.name)
            self.desk = self._desk_limit(conn)
        state = row["state"]
        if state == "dead":     # declared dead while we were stuck: the watcher pulled the
            self.done, self.reason = "dead", row["reason"]      # quotes; touch nothing more
            return
        watchdog.reap(self.api, now, skip=self.run_id)     # every runner watches the others
        if state in ("stopping", "stopped", "killed"):
            final = "killed" if state == "killed" else "stopped"
            self.stop(now, row["reason"] or f"{final} on request", final)
            return
        if state == "paused" and not self.paused:
            self.pause(now)
        elif state == "running" and self.paused:
            self.resume()
        try:
            may_run(latest, "exchange")
        except ConfigError as exc:      # demoted or retired while running: stop now
            self.stop(now, f"stopped: {exc}")
            return
        if latest is not None and latest["version"] > self.version:
            self.reload(latest, now)
            if self.cfg["version"] == latest["version"]:       # applied, not refused
                desk.set_run_version(self.engine, self.run_id, latest["version"])

    def _desk_limit(self, conn) -> tuple[int, int] | None:
        """The desk's net limit in our base asset and what the other active runs in that
        asset hold (their latest samples: up to a second and a half old)."""
        syms = self.home.symbols()
        base = self.venue().book(self.symbol, 1).spec.base
        cap = desk.desk_limits(conn).get(base)
        if cap is None:
            return None
        others = sum(to_int(r["inventory"]) for r in desk.active_inventories(conn)
                     if r["run"] != self.run_id and r["inventory"] is not None
                     and r["symbol"] in syms and syms[r["symbol"]].base == base)
        return to_int(cap), others

    def record_samples(self, rows) -> None:
        desk.add_samples(self.engine, self.run_id, [
            (ts, fmt(q), fmt_amount(e), None if mid is None else fmt(mid))
            for ts, q, e, mid in rows])

    def record_mids(self, rows) -> None:
        desk.add_mids(self.engine, self.run_id, [(ts, fmt(mid)) for ts, mid in rows])

    def record_fills(self, fills, books: dict) -> None:
        if not self.remote:             # the trades table has them
            return
        desk.add_fills(self.engine, self.run_id, [
            {"ts": f.ts, "symbol": f.symbol, "base": books[f.symbol].spec.base,
             "quote": books[f.symbol].spec.quote, "side": f.side, "price": fmt(f.price),
             "qty": fmt(f.qty), "fee": fmt_amount(f.fee), "cid": f.cid}
            for f in fills if f.symbol in books])

    def ended(self, now: int) -> None:
        # stamped by the journal's clock after the last commit (the cancels), not by the
        # step's `now`: trades the run saw were committed after `now` was read, and the
        # report counts the trades up to this time
        desk.set_run_state(self.engine, self.run_id, self.done, ts=max(now, self.api.clock()),
                           reason=self.reason)

    def close(self) -> None:
        self.home.close()
        if self.remote:
            self._venue.close()
        if not self._shared:
            self.api.close()


def _run_of(cid: str) -> int | None:
    head = cid[2:].partition(".")[0]
    return int(head) if head.isdigit() else None
