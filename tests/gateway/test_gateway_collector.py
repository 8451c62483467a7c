"""gateway.collector: full collections wait for an idle moment (or run when overdue) and
still free cyclic garbage that reached the oldest generation."""
import gc
import weakref

from souq.gateway.collector import FORCE_AFTER_S, IdleCollector


class Node:
    pass


def _old_cycle() -> weakref.ref:
    """A reference cycle promoted to the oldest generation while alive, then dropped."""
    node = Node()
    node.me = node
    gc.collect(1)           # survives a young collection: now in generation 2
    return weakref.ref(node)


def _started() -> IdleCollector:
    """A collector as gateway.app starts it: start-up collected and frozen first."""
    gc.collect()
    gc.freeze()
    c = IdleCollector()
    c._walked = c._frozen = gc.get_freeze_count()
    return c


def test_full_collection_waits_for_idle_then_frees_old_cycles():
    thresholds = gc.get_threshold()
    try:
        c = _started()
        ref = _old_cycle()
        assert gc.get_count()[2] > 0
        assert c.step(idle=False, now=c._last + 1.0) is None      # busy: not on a request
        assert ref() is not None
        assert c.step(idle=True, now=c._last + 1.0) == "idle"
        assert ref() is None
        assert c.step(idle=True, now=c._last + 2.0) is None       # nothing new to walk
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


def test_full_collection_forced_when_overdue_under_load():
    thresholds = gc.get_threshold()
    try:
        c = _started()
        ref = _old_cycle()
        assert c.step(idle=False, now=c._last + FORCE_AFTER_S - 1) is None
        assert c.step(idle=False, now=c._last + FORCE_AFTER_S) == "forced"
        assert ref() is None
        assert c.stats["forced"] == 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
