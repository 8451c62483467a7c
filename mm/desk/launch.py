"""Starting and stopping a configuration's runner process.

`start` spawns the runner (`souq --db URL mm run NAME [--sim]`) detached from the caller
and returns once the runner's own mm_runs row says running; `stop` asks the run to stop
through its row (state `stopping`) and waits until the runner says `stopped`. A runner
found dead on the way is buried by mm.desk.watchdog (its orders cancelled). The runner
process is the only thing that touches the exchange; this module only talks to it through
the database. The caller says how to invoke the runner (`command`), so mm needs no cli.
"""
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from souq.db import desk as D
from souq.db.outfiles import open_output

from .configs import ConfigError, get, startable

DONE = ("stopped", "killed", "dead")


class Timeout(ConfigError):
    """The runner did not reach the wanted state in time; the message says what now."""


def start(api, name: str, command: list[str], *, sim: bool = False, timeout: float = 30.0,
          poll: float = 0.1, sleep=time.sleep, clock=time.monotonic) -> dict:
    """Spawn the runner for `name`; the run row once it says running.

    `command` is the runner's argv up to and including NAME's predecessor, e.g.
    ["souq", "--db", URL, "mm", "run"]; NAME and --sim are appended."""
    cfg = get(api, name)
    startable(cfg, sim)
    active = _active(api, name)
    if active is not None:
        raise ConfigError(f"{name} is already running as run {active['id']}"
                          f"{_pid_text(active)}; stop it first: souq mm stop {name}")
    before = _newest_id(api, name)
    log = log_path(api.url, name)
    argv = list(command) + [name] + (["--sim"] if sim else [])
    with open_output(log, "runner log") as sink:   # the latest run's output; no links
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=sink, stderr=sink,
                                start_new_session=True, close_fds=True)
    deadline = clock() + timeout
    while True:
        row = _newest_run(api, name)
        if row is not None and row["id"] > before:
            if row["state"] not in DONE:
                return row
            raise ConfigError(f"run {row['id']} of {name} ended at once ({row['state']}: "
                              f"{row['reason'] or 'no reason given'}); see {log}")
        code = proc.poll()
        if code is not None:
            raise ConfigError(f"the runner for {name} exited with code {code} before it "
                              f"started: {_last_line(log) or 'no output'} (log: {log})")
        if clock() >= deadline:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
            raise Timeout(f"the runner for {name} did not report running within "
                          f"{timeout:g} s; it was stopped (log: {log})")
        sleep(poll)


def stop(api, name: str, *, timeout: float = 30.0, poll: float = 0.1, sleep=time.sleep,
         clock=time.monotonic) -> dict:
    """Ask the active run of `name` to stop and wait for its runner to confirm; the final
    run row. A run whose runner is dead (process gone, heartbeat lapsed) is buried here:
    marked dead, its open orders cancelled, an alert raised. With no active run, orders a
    dead run left on the book are cancelled (the row's `reason` then says how many)."""
    from . import watchdog
    cfg = get(api, name)
    buried = watchdog.reap(api, api.clock(), name=name)
    if buried:                      # its runner was dead: now marked so, its orders gone
        return buried[-1]
    row = api.read(D.active_run, name)
    if row is None:
        last = _newest_run(api, name)
        n = watchdog.cancel_leftovers(api, last["id"], cfg["user"]) if last else 0
        if not n:
            raise ConfigError(f"{name} is not running")
        return {**last, "reason": f"{last['reason'] or last['state']}; cancelled the {n} "
                                  f"order{'s' if n != 1 else ''} it left on the book"}
    if row["state"] != "stopping":
        D.set_run_state(api.db, row["id"], "stopping")
    deadline = clock() + timeout
    while True:
        row = api.read(D.run, row["id"])
        if row["state"] in DONE:
            return row
        why = watchdog.why_dead(row, api.clock())
        if why is not None:
            return watchdog.bury(api, row, why, api.clock()) or api.read(D.run, row["id"])
        if clock() >= deadline:
            raise Timeout(f"run {row['id']} of {name} did not stop within {timeout:g} s (state "
                          f"{row['state']}); it stops at its runner's next poll, or end "
                          f"process {row['pid']}")
        sleep(poll)


def alive(pid: int | None) -> bool:
    """Whether process `pid` exists on this machine (unknown pids count as alive)."""
    if not pid:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def log_path(url: str, name: str) -> Path:
    """Where a runner's output goes: beside a SQLite file, else the user's log folder."""
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        folder = Path(url[len("sqlite:///"):]).resolve().parent
    else:
        from platformdirs import user_log_dir
        folder = Path(user_log_dir("souq"))
        folder.mkdir(parents=True, exist_ok=True)
    return folder / f"souq-mm-{name}.log"


def _active(api, name: str) -> dict | None:
    """The active run, after burying it if its runner is dead."""
    from . import watchdog
    watchdog.reap(api, api.clock(), name=name)
    return api.read(D.active_run, name)


def _newest_run(api, name: str) -> dict | None:
    rows = api.read(D.runs, name, 1)
    return rows[0] if rows else None


def _newest_id(api, name: str) -> int:
    row = _newest_run(api, name)
    return row["id"] if row else 0


def _pid_text(row: dict) -> str:
    return f" (process {row['pid']})" if row["pid"] else ""


def _last_line(path: Path) -> str:
    try:
        lines = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1] if lines else ""


def _zombie(pid: int) -> bool:
    """A child that exited but was not reaped still answers kill(0); /proc tells."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] == "Z"
    except OSError:
        return False


def runner_command(url: str) -> list[str]:
    """`souq --db URL mm run`, with the souq beside this interpreter when installed."""
    script = shutil.which("souq", path=str(Path(sys.executable).parent))
    souq = [script] if script else [sys.executable, "-c", "from souq.cli.main import run; run()"]
    return souq + ["--db", url, "mm", "run"]
