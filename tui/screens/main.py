"""The one main screen: every pane at 160x48; one pane at a time on a small terminal."""
from textual.binding import Binding
from textual.containers import Horizontal, Vertical

from ..snapshot import ScreenView
from .dialog import UnderDialogs
from ..widgets.alerts import AlertsPane
from ..widgets.chart import ChartPane
from ..widgets.inventory import InventoryPane
from ..widgets.keys_footer import KeysFooter
from ..widgets.tab_bar import TabBar
from ..widgets.maker import MakerPane
from ..widgets.order_book import OrderBook
from ..widgets.orders import OrdersPane
from ..widgets.quick_entry import QuickEntry
from ..widgets.status_bar import StatusBar
from ..widgets.strategy import StrategyPane
from ..widgets.trades import TradesTape
from ..widgets.wallets import WalletsPane

PANES = ("book", "chart", "orders", "trades", "wallets", "alerts", "strategy", "inventory",
         "maker")
SHARED = ("inventory", "maker")     # one slot of the wide layout: `v` switches
NARROW = 150   # below this many columns (the top row's book 58, chart 37, tape 55), or
SHORT = 36     # below this many rows, panes take turns under a tab bar
TAB_NAMES = {"book": "Book", "chart": "Chart", "orders": "Orders", "trades": "Trades",
             "wallets": "Wallets", "alerts": "Alerts", "strategy": "Strategy",
             "inventory": "Inventory", "maker": "Quotes"}


class MainScreen(UnderDialogs):
    _drawn: tuple | None = None     # (view, theme) on screen now
    BINDINGS = [
        Binding(str(i + 1), f"show_pane('{name}')", TAB_NAMES[name], show=False, id=f"pane.{name}",
                tooltip=f"Show the {TAB_NAMES[name]} pane")
        for i, name in enumerate(PANES)
    ] + [Binding("tab", "cycle_pane", "Next pane", show=False, priority=False, id="pane.next"),
         Binding("colon,e", "focus_entry", "Quick entry", id="entry.focus",
                 tooltip="Quick entry: type an order"),
         Binding("home", "touch", "Book: back to the touch", show=False, id="book.home"),
         Binding("v", "switch_desk", "Inventory/quotes", show=False, id="pane.desk_switch",
                 tooltip="Switch the desk row between inventory and quotes")]

    def compose(self):
        yield TabBar(id="tab-bar")
        with Vertical(id="panes"):
            with Horizontal(id="top"):
                yield OrderBook(id="book")
                yield ChartPane(id="chart")
                with Vertical(id="right"):
                    yield TradesTape(id="trades")
                    yield WalletsPane(id="wallets")
            with Horizontal(id="desk"):
                yield StrategyPane(id="strategy")
                yield InventoryPane(id="inventory")
                yield MakerPane(id="maker")
            with Horizontal(id="bottom"):
                yield OrdersPane(id="orders")
                with Vertical(id="side"):
                    yield AlertsPane(id="alerts")
        yield QuickEntry(id="quick-entry")
        yield StatusBar(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#book").focus()
        self._layout()

    def on_screen_resume(self) -> None:
        """On top again (a dialog or another screen closed): draw what arrived meanwhile
        (tui/view_control.py), and poll now: no view was built while it was covered. A
        desk read that came meanwhile (tui/desk_control.py) is drawn after this frame,
        the one that shows an order sent by ticket, not in it."""
        self.app.views.draw()
        self.call_after_refresh(self.app.desk.resume)
        self.app.follow()

    def on_resize(self) -> None:
        self._layout()
        self.call_after_refresh(self._layout)     # the tab bar knows its width after layout

    def _layout(self) -> None:
        """Wide: every pane. Narrow: only the chosen pane and the containers around it."""
        narrow = self.size.width < NARROW or self.size.height < SHORT
        self.set_class(narrow, "narrow")
        self.query_one(TabBar).show(PANES, TAB_NAMES, self.app.state.pane)
        shown = self.query_one(f"#{self.app.state.pane}")
        state = self.app.state
        for name in PANES:
            hidden = (name != state.pane if narrow
                      else name in SHARED and name != state.desk_pane)
            self.query_one(f"#{name}").set_class(hidden, "hidden-pane")
        for box in ("top", "right", "desk", "bottom", "side"):
            container = self.query_one(f"#{box}")
            container.set_class(narrow and shown not in container.query("*"), "hidden-pane")

    def action_show_pane(self, name: str) -> None:
        self.app.state.pane = name
        if name in SHARED:
            self.app.state.desk_pane = name
        self._layout()
        pane = self.query_one(f"#{name}")
        inner = pane.query("DataTable, RichLog, BookLadder")
        target = inner.first() if inner else pane
        target.focus()

    def action_cycle_pane(self) -> None:
        if self.has_class("narrow"):
            i = PANES.index(self.app.state.pane)
            self.action_show_pane(PANES[(i + 1) % len(PANES)])
        else:
            self.focus_next()

    def action_switch_desk(self) -> None:
        """The desk row's right slot: the Inventory gauges or the quotes and fills."""
        state = self.app.state
        other = SHARED[1 - SHARED.index(state.desk_pane)]
        if self.has_class("narrow"):
            self.action_show_pane(other)
        else:
            state.desk_pane = other
            self._layout()

    def action_touch(self) -> None:
        """Home from anywhere the focused widget does not use it: the book to the touch."""
        self.query_one(OrderBook).action_touch()

    def action_focus_entry(self) -> None:
        self.query_one(QuickEntry).focus()

    def render_view(self, view: ScreenView) -> None:
        """Redraw the panes, unless the follow tick found nothing new since the last draw."""
        if (view, self.app.theme) == self._drawn:
            return
        self._drawn = (view, self.app.theme)
        for pane in ("book", "chart", "orders", "trades", "wallets", "quick-entry"):
            self.query_one(f"#{pane}").update_view(view)
