"""The Backtest screen: a form (configuration, scenario or data set, duration, seed,
parameter overrides), a progress bar, the stored runs, and the chosen run's report or two
runs side by side. Esc returns to the workstation.

Every database read and every backtest runs in a thread worker through BacktestFacade;
workers only post the messages below, and the handlers change what is on screen.
At fewer than NARROW columns the setup column and the result take turns (v switches).
"""
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, ProgressBar, Select, Static

from ..backtest_facade import BacktestFacade, Choices, Form
from ..widgets.bt_report import ReportView
from ..widgets.bt_runs import RunsTable

NARROW = 120


class BacktestScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="bt.back"),
        Binding("ctrl+r", "run", "Run", id="bt.run"),
        Binding("c", "compare", "Compare A/B", id="bt.compare"),
        Binding("v", "switch", "Setup/result", id="bt.switch"),
    ]

    class Loaded(Message):
        def __init__(self, choices: Choices | None, runs: list[dict]) -> None:
            super().__init__()
            self.choices, self.runs = choices, runs

    class Progress(Message):
        def __init__(self, done: int, total: int | None) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Finished(Message):
        """A run was stored: its id, its report and the runs list now."""

        def __init__(self, run_id: int, report, runs: list[dict]) -> None:
            super().__init__()
            self.run_id, self.report, self.runs = run_id, report, runs

    class Opened(Message):
        def __init__(self, report) -> None:
            super().__init__()
            self.report = report

    class Compared(Message):
        def __init__(self, a: int, b: int, rows: list) -> None:
            super().__init__()
            self.a, self.b, self.rows = a, b, rows

    class Failed(Message):
        def __init__(self, what: str, text: str) -> None:
            super().__init__()
            self.what, self.text = what, text

    def __init__(self, facade: BacktestFacade) -> None:
        super().__init__()
        self.facade = facade
        self.running = False

    def compose(self):
        with Horizontal(id="bt-main"):
            with Vertical(id="bt-setup"):
                with Horizontal(classes="bt-row"):
                    yield Label("Configuration", classes="bt-label")
                    yield Select([], id="bt-config", prompt="configuration", compact=True)
                with Horizontal(classes="bt-row"):
                    yield Label("Market", classes="bt-label")
                    yield Select([], id="bt-source", prompt="scenario or data", compact=True)
                with Horizontal(classes="bt-row"):
                    yield Label("Duration (s)", classes="bt-label")
                    yield Input("60", id="bt-duration", compact=True)
                with Horizontal(classes="bt-row"):
                    yield Label("Seed", classes="bt-label")
                    yield Input("0", id="bt-seed", compact=True)
                with Horizontal(classes="bt-row"):
                    yield Label("Overrides", classes="bt-label")
                    yield Input("", id="bt-overrides", placeholder="key=value ...", compact=True)
                with Horizontal(classes="bt-row"):
                    yield Label("Queue model", classes="bt-label")
                    yield Input("pessimistic", id="bt-queue", compact=True,
                                placeholder="pessimistic | probabilistic[:N]")
                with Horizontal(classes="bt-row"):
                    yield Label("Entry/resp ms", classes="bt-label")
                    yield Input("0", id="bt-entry", compact=True, placeholder="entry",
                                tooltip="Entry latency: the decision to the exchange, ms")
                    yield Input("0", id="bt-response", compact=True, placeholder="response",
                                tooltip="Response latency: a fill to the strategy, ms")
                with Horizontal(classes="bt-row"):
                    yield Label("Fee model", classes="bt-label")
                    yield Input("symbol", id="bt-fees", compact=True,
                                placeholder="symbol | zero | flat_bps:B")
                with Horizontal(classes="bt-row", id="bt-go"):
                    yield Button("Run", id="bt-run", variant="primary", compact=True)
                    yield ProgressBar(id="bt-progress", show_eta=False)
                yield Static("", id="bt-status")
                yield RunsTable(id="bt-runs")
            with Vertical(id="bt-result"):
                yield ReportView(id="bt-report")
                yield DataTable(id="bt-compare", cursor_type="row", classes="hidden-pane")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#bt-compare", DataTable)
        widths = (28, 21, 21) if self.app.size.width < NARROW else (44, 30, 30)
        for (key, label), width in zip((("label", "Figure"), ("a", "Run A"), ("b", "Run B")),
                                       widths):
            table.add_column(label, key=key, width=width)
        self.query_one("#bt-progress", ProgressBar).update(total=1, progress=0)
        self.query_one("#bt-compare").border_title = "Compare"
        self._layout()
        self.load()

    def on_resize(self) -> None:
        self._layout()

    def _layout(self) -> None:
        self.set_class(self.size.width < NARROW, "narrow")

    # ------------------------------------------------------------ workers
    @work(thread=True, exclusive=True, group="bt-read", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(self.Loaded(self.facade.choices(), self.facade.runs()))
        except ValueError as exc:
            self.post_message(self.Failed("load", str(exc)))

    @work(thread=True, exclusive=True, group="bt-run", exit_on_error=False)
    def _run(self, form: Form) -> None:
        f = self.facade
        try:
            run_id = f.run(form, progress=lambda d, t: self.post_message(self.Progress(d, t)))
            self.post_message(self.Finished(run_id, f.report(run_id), f.runs()))
        except ValueError as exc:
            self.post_message(self.Failed("run", str(exc).strip("'\"")))

    @work(thread=True, exclusive=True, group="bt-read", exit_on_error=False)
    def _open(self, run_id: int) -> None:
        try:
            self.post_message(self.Opened(self.facade.report(run_id)))
        except ValueError as exc:
            self.post_message(self.Failed("open", str(exc)))

    @work(thread=True, exclusive=True, group="bt-read", exit_on_error=False)
    def _compare(self, a: int, b: int) -> None:
        try:
            self.post_message(self.Compared(a, b, self.facade.compare(a, b)))
        except ValueError as exc:
            self.post_message(self.Failed("compare", str(exc)))

    # ------------------------------------------------------------ actions
    def action_back(self) -> None:
        self.dismiss()

    def action_run(self) -> None:
        if self.running:
            self.notify("a backtest is already running", severity="warning")
            return
        value = self.query_one("#bt-config", Select).value
        source = self.query_one("#bt-source", Select).value
        field = lambda name: self.query_one(f"#bt-{name}", Input).value   # noqa: E731
        form = Form(config=value if isinstance(value, str) else "",
                    source=source if isinstance(source, str) else "",
                    duration=field("duration"), seed=field("seed"),
                    overrides=field("overrides"), queue=field("queue"),
                    entry_ms=field("entry"), response_ms=field("response"),
                    fees=field("fees"))
        try:
            form.models()
        except ValueError as exc:       # one line naming the field; nothing starts
            self.query_one("#bt-status", Static).update(f"refused: {exc}")
            self.notify(str(exc), title="backtest form", severity="error", timeout=6)
            return
        self.running = True
        self.query_one("#bt-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#bt-status", Static).update("running...")
        self._run(form)

    def action_compare(self) -> None:
        marked = self.query_one(RunsTable).marked
        if len(marked) != 2:
            self.notify("mark two runs with Space first", severity="warning")
            return
        self._compare(*marked)

    def action_switch(self) -> None:
        self.toggle_class("show-result")

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "switch":
            return self.has_class("narrow")
        if action == "run":
            return not self.running
        return True

    @on(Button.Pressed, "#bt-run")
    def _pressed(self) -> None:
        self.action_run()

    @on(DataTable.RowSelected, "#bt-runs")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self._open(int(event.row_key.value))

    # ------------------------------------------------------------ results
    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        c = message.choices
        config = self.query_one("#bt-config", Select)
        config.set_options([(n, n) for n in c.configs])
        if c.configs:
            config.value = c.configs[0]
        source = self.query_one("#bt-source", Select)
        source.set_options(list(c.sources))
        if c.sources:
            source.value = c.sources[0][1]
        self.query_one(RunsTable).show(message.runs)

    @on(Progress)
    def _progress(self, message: Progress) -> None:
        self.query_one("#bt-progress", ProgressBar).update(total=message.total,
                                                            progress=message.done)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.running = False
        self.refresh_bindings()
        bar = self.query_one("#bt-progress", ProgressBar)
        bar.update(total=1, progress=1)
        self.query_one("#bt-status", Static).update(f"run {message.run_id} stored")
        self.query_one(RunsTable).show(message.runs)
        self._show_report(message.report)

    @on(Opened)
    def _opened(self, message: Opened) -> None:
        self._show_report(message.report)

    def _show_report(self, report) -> None:
        self.query_one("#bt-compare").add_class("hidden-pane")
        view = self.query_one(ReportView)
        view.remove_class("hidden-pane")
        view.show(report)
        self.add_class("show-result")

    @on(Compared)
    def _compared(self, message: Compared) -> None:
        table = self.query_one("#bt-compare", DataTable)
        table.clear()
        table.columns["a"].label = f"Run {message.a}"
        table.columns["b"].label = f"Run {message.b}"
        section = None
        for i, (sec, label, a, b) in enumerate(message.rows):
            if sec != section:
                section = sec
                table.add_row(f"[b]{sec}[/b]", "", "", key=f"section-{sec}")
            table.add_row(label, a, b, key=f"row-{i}")
        self.query_one(ReportView).add_class("hidden-pane")
        table.remove_class("hidden-pane")
        table.border_title = f"Run {message.a} against run {message.b}"
        self.add_class("show-result")

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.what == "run":
            self.running = False
            self.refresh_bindings()
            self.query_one("#bt-status", Static).update(f"refused: {message.text}")
        self.notify(message.text, title=f"backtest {message.what}", severity="error",
                    timeout=6)
