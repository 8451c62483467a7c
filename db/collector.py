"""The cyclic garbage collector held off while a batch runs, and kept off long-lived state."""
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


def freeze_survivors(thresholds: tuple[int, int, int] | None = None, *,
                     collect: bool = False) -> None:
    """Move everything alive now out of the cyclic collector's way (gc.freeze): it is never
    walked again, and is still freed by reference counting when unreferenced (only garbage
    in reference cycles among it is kept). A process holding a large exchange (the
    gateway, the workstation) otherwise has full collections walk all of it, for up to
    seconds at a time. With `collect`, a full collection first, so that only what is live
    is frozen; with `thresholds`, young collections run that often (gc.set_threshold)."""
    if collect:
        gc.collect()
    if thresholds is not None:
        gc.set_threshold(*thresholds)
    gc.freeze()
