"""One module per pane or widget. Each pane renders a MarketView through update_view()."""
