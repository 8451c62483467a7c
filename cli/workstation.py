"""Open the Textual workstation from the command line."""
from .context import fail, guarded


def open_workstation(db, user, theme, symbol, server=None, key=None) -> None:
    """The workstation on the database, or with `server` on a souq gateway as the user of
    API key `key` (secret from SOUQ_SECRET or a prompt), fed by its WebSocket."""
    with guarded():
        from souq.themes import THEMES
        if theme is not None and theme not in THEMES:
            fail(f"unknown theme {theme!r}; choose one of {', '.join(THEMES)}")
        remote = None
        if server:
            if user is not None:
                fail("--as does not go with --server: the key decides who you are")
            from .context import remote_api
            remote = remote_api(server, key)
        from souq.tui.app import SouqApp
        app = SouqApp(db, user=user, theme=theme, symbol=symbol, simulate=remote is None,
                      remote=remote)
        if theme is not None:
            from souq.tui import settings
            settings.save(theme=theme)
        app.run()
