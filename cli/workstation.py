"""Open the Textual workstation from the command line."""
from .context import fail, guarded


def open_workstation(db, user, theme, symbol) -> None:
    with guarded():
        from themes import THEMES
        from tui.app import SouqApp
        if theme is not None and theme not in THEMES:
            fail(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        app = SouqApp(db, user=user, theme=theme, symbol=symbol, simulate=True)
        if theme is not None:
            from tui import settings
            settings.save(theme=theme)
        app.run()
