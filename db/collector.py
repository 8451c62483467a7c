"""The cyclic garbage collector held off while a batch runs, and kept off long-lived state;
and the interpreter's thread switch interval for the long-running processes (the gateway,
the workstation) whose threads hand work to an event loop."""
import gc
import sys

SWITCH_INTERVAL = 0.001     # seconds; Python's default is 0.005


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


def prompt_switching() -> None:
    """Let an event loop's thread have the interpreter back within SWITCH_INTERVAL of
    asking (sys.setswitchinterval; process-wide). The loop gives up the GIL at every turn
    (each select), and a busy thread then keeps it up to the switch interval before it
    has to hand it back. The gateway's committer, feed and event loop hand each batch's
    answers and trades to each other, and the workstation's follower replay, chart and
    command workers hold the interpreter while a key or a view takes dozens of the UI
    loop's turns to reach the screen: with Python's 5 ms each hand-over could add that
    much. Measured in both (README: *The network gateway*, *The workstation*): under the
    demo market at 2,000 orders/s, 1 ms against 5 ms halved the ticket's latency (median
    471 against 1,219 ms, event to screen p99 293 against 547 ms; `souq bench --tui`,
    orders=15, alternating pairs at load 8.5-11, 2026-12-02), at no more CPU; the gateway
    placed 1,351 and 1,946 orders/s against 990 and 1,451 (`souq bench --api`, load 11-15)
    with no more server CPU an order."""
    sys.setswitchinterval(SWITCH_INTERVAL)
