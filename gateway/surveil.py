"""The surveillance follower inside `souq serve`: one daemon thread that reads the journal
as the gateway (and anyone else) writes it, opening and extending cases, exactly as
`souq surveil` does in its own process (the same cursor, so either resumes where the
other stopped; run one of them at a time)."""
import sys
import threading

from souq.mm.surveillance.follower import Follower


class SurveillanceThread:
    """Starts at once; `close()` asks it to stop, waits for the batch under way to commit
    (at most `join_s` seconds) and returns. `idle` is the pause, in seconds, when the
    journal has nothing new."""

    def __init__(self, engine, idle: float = 0.2, join_s: float = 30.0) -> None:
        self.stop = threading.Event()
        self.join_s = join_s
        self.error: BaseException | None = None
        self.follower = Follower(engine)
        self.thread = threading.Thread(target=self._run, args=(idle,), name="surveillance",
                                       daemon=True)
        self.thread.start()

    def _run(self, idle: float) -> None:
        try:
            self.follower.run(should_stop=self.stop.is_set, sleep=self.stop.wait, idle=idle)
        except Exception as exc:        # one line for the operator; the gateway serves on
            self.error = exc
            sys.stderr.write(f"surveillance stopped: {type(exc).__name__}: {exc}\n")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(self.join_s)
