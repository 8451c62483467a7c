"""The workstation's living demo market, run as a child process (`souq sim --control`).

In the UI process the simulator's matching, ledger and database work shared the
interpreter with drawing: with the machine busy, quick-entry echo took a median of 477 ms
with the market running against 100 ms paused (issue 15). As a child process it has its
own interpreter and core; the UI thread only draws what the journal says.

The child is steered by lines on its standard input (cli/sim_control.py) and stops at the
end of that input, so it never outlives the workstation, even one killed with -9.
"""
import subprocess
import sys


class DemoMarket:
    """One `souq sim --control` child on the database at `url`.

    start() launches it (orders/s `rate`, seed `seed`); pause()/resume() steer it;
    stop(timeout) asks it to stop, closes its input and waits (killing it past `timeout`
    seconds). `paused` is what it was last told; `failure()` is its last error line once
    it has exited with a non-zero status, else None."""

    def __init__(self, url: str, rate: float, seed: int) -> None:
        self.url, self.rate, self.seed = url, rate, seed
        self.proc: subprocess.Popen | None = None
        self.paused = False

    def command(self) -> list[str]:
        return [sys.executable, "-c", "from souq.cli.main import run; run()", "--db", self.url,
                "sim", "--control", "--rate", repr(self.rate), "--seed", str(self.seed)]

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command(), stdin=subprocess.PIPE,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True)

    def _say(self, word: str) -> None:
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.stdin.write(word + "\n")
                self.proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass

    def pause(self) -> None:
        self._say("pause")
        self.paused = True

    def resume(self) -> None:
        self._say("resume")
        self.paused = False

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def failure(self) -> str | None:
        if self.proc is None or self.proc.poll() in (None, 0):
            return None
        lines = [ln for ln in (self.proc.stderr.read() or "").splitlines() if ln.strip()]
        return lines[-1] if lines else f"exited with status {self.proc.returncode}"

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the market process to stop and wait up to `timeout` seconds (it normally
        exits at once; the grace is generous so a loaded machine still gets a clean stop
        rather than a kill -9), then kill it."""
        proc = self.proc
        if proc is None:
            return
        self._say("stop")
        try:
            proc.stdin.close()
        except OSError:
            pass
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
