"""The surveillance follower beside `souq serve`: a child process that reads the journal as
the gateway (and anyone else) writes it, opening and extending cases, exactly as `souq
surveil` does (the same Follower and the same cursor, so either resumes where the other
stopped; run one of them at a time).

A process of its own, not a thread of the server: its detectors then run on the other
core instead of taking the server's interpreter lock from the requests (as a thread it
held 15-18 % of the server's interpreter time under `souq bench --api`).

The child learns the database URL on its standard input (never on its command line,
where `ps` would show a PostgreSQL password) and stops when that pipe closes: when the
server closes it on its way out, and as well when the server dies without a word (kill
-9), so no follower outlives its gateway. It ignores Ctrl+C, which a terminal sends to
the whole process group: the server decides when it stops, after the last request.
"""
import signal
import subprocess
import sys
import threading

IDLE_S = 0.2           # the follower's pause when the journal has nothing new


class SurveillanceProcess:
    """Starts at once; `close()` closes the child's pipe, waits for the batch under way to
    commit (at most `join_s` seconds, then kills it) and returns. The child's one-line
    error, if it stops on one, goes to the server's standard error."""

    def __init__(self, url: str, idle: float = IDLE_S, join_s: float = 30.0) -> None:
        self.join_s = join_s
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from souq.gateway.surveil import child; child()", str(idle)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.proc.stdin.write(url + "\n")
        self.proc.stdin.flush()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:           # it stopped already
            pass
        try:
            self.proc.wait(self.join_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def child() -> None:
    """The child's body: the URL from stdin's first line, then follow until stdin closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    idle = float(sys.argv[1]) if len(sys.argv) > 1 else IDLE_S
    url = sys.stdin.readline().strip()
    stop = threading.Event()

    def watch() -> None:
        while sys.stdin.read(4096):
            pass
        stop.set()
    threading.Thread(target=watch, name="surveillance-stdin", daemon=True).start()
    try:
        from souq.db.connection import connect
        from souq.mm.surveillance.follower import Follower
        engine = connect(url)
        try:
            Follower(engine).run(should_stop=stop.is_set, sleep=stop.wait, idle=idle)
        finally:
            engine.dispose()
    except Exception as exc:        # one line for the operator; the gateway serves on
        sys.stderr.write(f"surveillance stopped: {type(exc).__name__}: {exc}\n")
        sys.exit(1)
