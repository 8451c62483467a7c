"""Benchmark probes stay out of the product: `souq bench --tui` drives BenchApp, a
subclass in tui/bench.py that notes frames; SouqApp has no bench fields. No timing here."""
import asyncio
import inspect

from souq.tui import app as tui_app
from souq.tui.app import SouqApp
from souq.tui.bench import BenchApp
from tui_harness import DB_NAME, frozen_clock, wait_for

BENCH_WORDS = ("probe", "bench", "frames", "rendered_seq")


def test_the_product_app_has_no_bench_fields(workstation):
    app = SouqApp(DB_NAME, clock=frozen_clock, show_clock=False)
    names = set(vars(app)) | {n for n in dir(SouqApp) if not n.startswith("__")}
    assert not [n for n in names if any(w in n.lower() for w in BENCH_WORDS)]
    assert "bench" not in {m.split(".")[-1] for m in tui_app.__dict__
                           if inspect.ismodule(tui_app.__dict__[m])}


def test_the_bench_app_notes_the_seq_of_each_frame(workstation):
    frames: list = []
    app = BenchApp(frames, DB_NAME, clock=frozen_clock, show_clock=False)
    app.animation_level = "none"

    async def main():
        async with app.run_test(size=(160, 48)) as pilot:
            await wait_for(pilot, lambda: app.state.view is not None)
            await wait_for(pilot, lambda: any(s == app.state.view.seq for s, _ in frames))
    asyncio.run(main())
    assert frames and all(isinstance(t, int) for _, t in frames)
    assert max(s for s, _ in frames) == app.state.view.seq
