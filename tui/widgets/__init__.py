"""One module per pane or widget. Each pane renders a ScreenView through update_view()."""
