"""Quitting with strategies running: stop them, or leave them running, and say which.

The answer is "stop", "leave" or None (stay). Runners are separate processes: left
running, they go on quoting after the workstation closes (`souq mm status` shows them,
`souq mm stop NAME` ends them); stopped, each is asked to stop and cancels its quotes.
"""
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from .dialog import Dialog


class QuitDesk(Dialog[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Stay", id="quit.stay"),
                Binding("s", "dismiss('stop')", "Stop them and quit", id="quit.stop"),
                Binding("l", "dismiss('leave')", "Leave them running and quit",
                        id="quit.leave")]

    def __init__(self, running: list[tuple[str, str]]) -> None:
        """`running`: (name, state) of every active run."""
        super().__init__()
        self.running = running

    def compose(self):
        n = len(self.running)
        names = "\n".join(f"  {name} ({state})" for name, state in self.running)
        text = (f"{n} strateg{'y is' if n == 1 else 'ies are'} running:\n{names}\n\n"
                "Stop: each is asked to stop and cancels its quotes.\n"
                "Leave: they keep quoting after the workstation closes "
                "(souq mm status, souq mm stop NAME).")
        with Vertical(id="quit"):
            yield Static(text, id="quit-question")
            with Horizontal(id="quit-buttons"):
                yield Button("Stop them (s)", id="quit-stop", variant="error")
                yield Button("Leave running (l)", id="quit-leave", variant="warning")
                yield Button("Stay (Esc)", id="quit-stay")

    @on(Button.Pressed)
    def _answer(self, event: Button.Pressed) -> None:
        self.dismiss({"quit-stop": "stop", "quit-leave": "leave"}.get(event.button.id))
