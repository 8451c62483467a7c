"""Steering a simulator run from another process through its standard input.

The workstation runs its demo market as a child process (`souq sim --control`), so the
UI thread only draws. The child reads one word a line: `pause`, `resume` or `stop`; the
end of its input (the workstation exited or died, closing the pipe) stops it too, so a
demo market never outlives the window that started it.
"""
import threading
from typing import TextIO

WORDS = ("pause", "resume", "stop")


class Control:
    """Reads `stream` on a daemon thread and steers `driver` (anything with pause() and
    resume()). `stopped` turns true on `stop` or at the end of the stream; an unknown
    word is ignored (the parent is our own code; nothing it sends can do harm)."""

    def __init__(self, driver, stream: TextIO) -> None:
        self.driver = driver
        self.stopped = False
        self._thread = threading.Thread(target=self._read, args=(stream,),
                                        name="souq-sim-control", daemon=True)
        self._thread.start()

    def _read(self, stream: TextIO) -> None:
        for line in stream:
            word = line.strip()
            if word == "pause":
                self.driver.pause()
            elif word == "resume":
                self.driver.resume()
            elif word == "stop":
                break
        self.stopped = True
