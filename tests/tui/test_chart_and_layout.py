"""The chart (price over volume, in the theme's colours, drawn in a worker) and the two
layout defects it used to show: help squeezing the chart, and the footer offering / while
the quick entry types it."""
import re
import threading

from textual.color import Color
from textual.widgets import Static

from souq.tui.widgets import chart as chart_widget
from souq.themes import THEMES
from souq.tui.plotting import Colours, candles, nice_ticks, render
from souq.tui.widgets.chart import ChartPane
from tui_harness import FROZEN_NS, WIDE, drive, keys, populated, settled, wait_for

COLOURS = Colours(background=(1, 2, 3), foreground=(4, 5, 6), up=(7, 8, 9), down=(10, 11, 12))
PLAIN = re.compile(r"\x1b\[[0-9;]*m")


def trades(n: int = 40) -> list[tuple[int, str, str]]:
    """n trades a second apart, rising then falling, each a little bigger."""
    prices = [95_000_000_000 + 500_000 * (i if i < n // 2 else n - i) for i in range(n)]
    return [(FROZEN_NS + i * 10**9, str(p), f"0.00{i % 9 + 1}")
            for i, p in enumerate(prices)]


def test_candles_aggregate_open_high_low_close_and_volume_per_interval():
    rows = [(0, "10", "1"), (10**9, "12", "2"), (4 * 10**9, "9", "0.5"), (5 * 10**9, "11", "1")]
    assert candles(rows, 5) == [[0, 10.0, 12.0, 9.0, 9.0, 3.5], [1, 11.0, 11.0, 11.0, 11.0, 1.0]]


def test_price_ticks_are_round_and_never_fewer_than_two():
    values, labels = nice_ticks(94_999_100_000, 95_000_050_000, 2)
    assert len(values) >= 2 and all(v % 100_000 == 0 for v in values)
    assert labels == [f"{v:,.0f}" for v in values]            # grouped: 94,999,200,000
    assert nice_ticks(0.0, 0.023, 3)[1] == ["0.00", "0.02"]     # decimals the step needs


def test_render_fills_exactly_the_size_asked_whatever_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "20")
    monkeypatch.setenv("LINES", "8")
    for kind in ("line", "candles"):
        lines = PLAIN.sub("", render(trades(), kind, 1, 70, 24, COLOURS)).split("\n")
        assert len(lines) == 24 and {len(line) for line in lines} == {70}


def test_volume_bars_sit_under_the_price_in_the_theme_colours():
    out = render(trades(), "candles", 1, 70, 24, COLOURS)
    plain = PLAIN.sub("", out).split("\n")
    frames = [i for i, line in enumerate(plain) if "└" in line]
    assert len(frames) == 2                         # price plot, then the volume plot
    assert any("█" in line for line in plain[frames[0] + 1:frames[1]])
    assert len(re.findall(r"12:00:\d\d", plain[-1])) >= 3   # candle times under the volume
    for rgb in (COLOURS.up, COLOURS.down):          # rising, then falling candles
        assert "38;2;%d;%d;%d" % rgb in out
    assert "48;2;1;2;3" in out and "38;2;4;5;6" in out
    assert "48;5;" not in out and "38;5;" not in out   # nothing from plotext's palette


def test_a_short_chart_keeps_its_rows_for_the_price():
    plain = PLAIN.sub("", render(trades(), "line", 1, 50, 12, COLOURS))
    assert plain.count("└") == 1


def test_the_chart_is_drawn_in_a_worker_in_the_theme_colours_and_redrawn_on_a_theme_switch(
        workstation, monkeypatch):
    threads = []

    def recording_render(*args):
        threads.append(threading.current_thread())
        return render(*args)
    monkeypatch.setattr(chart_widget, "render", recording_render)

    def spans_colours(app) -> set:
        """The foreground colours of what the chart canvas shows now."""
        content = app.screen.query_one("#chart-canvas", Static).visual
        return {span.style.foreground.rgb for span in getattr(content, "spans", [])
                if not isinstance(span.style, str) and span.style.foreground}

    async def script(pilot):
        app = pilot.app
        dark = THEMES["souq-dark"].variables
        assert Color.parse(dark["up"]).rgb in spans_colours(app)
        app.set_theme("souq-light")
        light_up = Color.parse(THEMES["souq-light"].variables["up"]).rgb
        await wait_for(pilot, lambda: light_up in spans_colours(app))
        await settled(pilot)
        assert Color.parse(dark["up"]).rgb not in spans_colours(app)

    messages = drive(populated(workstation).app(), script)
    assert len([m for m in messages if isinstance(m, ChartPane.Drawn)]) >= 2
    assert threads and threading.main_thread() not in threads     # never on the UI thread


def test_help_lies_over_the_panes_without_resizing_them(workstation):
    async def script(pilot):
        screen = pilot.app.screen
        before = {p: screen.query_one(f"#{p}").region for p in ("book", "chart", "orders")}
        await keys(pilot, "question_mark")
        assert screen.query("KeysHelp")
        after = {p: screen.query_one(f"#{p}").region for p in before}
        assert after == before
        await keys(pilot, "question_mark")
        assert not screen.query("KeysHelp")

    drive(populated(workstation).app(), script, size=WIDE)


def test_footer_offers_no_binding_the_quick_entry_would_type(workstation):
    def footer_keys(app) -> set[str]:
        return {key for key, active in app.screen.active_bindings.items()
                if active.binding.show}

    async def script(pilot):
        app = pilot.app
        assert "slash" in footer_keys(app)              # the book has focus: / picks
        await keys(pilot, ":")
        assert app.focused.id == "quick-entry"
        assert not footer_keys(app) & {"slash", "b", "s", "c", "C", "u", "p", "q",
                                       "question_mark", "plus", "minus"}
        await keys(pilot, "slash")
        assert app.focused.value == "/"                 # it typed, no picker opened

    drive(workstation.app(), script)
