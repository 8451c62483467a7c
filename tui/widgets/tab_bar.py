"""The tab bar of the small-terminal layout: every pane's key and name, the one shown
highlighted. Keys 1-9 (and Tab) switch; the bar only says so. Where the full names do not
fit (80 columns), short ones do."""
from textual.content import Content
from textual.widgets import Static

SHORT = {"strategy": "Strat", "inventory": "Inv", "trades": "Tape"}


class TabBar(Static):
    def show(self, panes: tuple[str, ...], names: dict[str, str], current: str) -> None:
        labels = [f" {i + 1} {names[p]} " for i, p in enumerate(panes)]
        if sum(map(len, labels)) > self.size.width > 0:
            labels = [f"{i + 1} {SHORT.get(p, names[p])} " for i, p in enumerate(panes)]
        parts = [Content.styled(label, "bold reverse $accent" if pane == current
                                else "$text-muted") for pane, label in zip(panes, labels)]
        self.update(Content("").join(parts))
