"""The cyclic garbage collector held off while a batch runs."""
import gc


class paused_gc:
    """`with paused_gc():` holds the cyclic garbage collector for the block, then leaves it
    as found (a caller that had turned it off keeps it off). A batch makes thousands of
    short-lived containers, each allocation counting toward a collection that then walks
    the whole long-lived state (the exchange, the detectors): half the surveillance
    follower's time, a quarter of a durable batch of 1,000 commands. Those containers hold
    no reference cycles, so reference counting frees them all the same; a collection due
    runs after the block. A plain class, not a generator context manager: a commit per
    command enters it thousands of times a second."""
    __slots__ = ("was",)

    def __enter__(self) -> None:
        self.was = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc) -> None:
        if self.was:
            gc.enable()
