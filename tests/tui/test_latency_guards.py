"""What kept the workstation slow under load (issue 15), pinned without timing: the
garbage collector leaves what was loaded alone. `souq bench --tui` measures the times."""
import gc

from souq.tui import follower

from tui_harness import drive


def test_what_was_loaded_is_frozen_out_of_the_collectors_way(workstation):
    seen = {}

    async def script(pilot):
        seen["threshold"] = gc.get_threshold()
        seen["frozen"] = gc.get_freeze_count()
    before = gc.get_threshold()
    try:
        drive(workstation.app(), script)
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
    assert seen["threshold"] == follower.GC_THRESHOLDS
    assert seen["frozen"] > 0
