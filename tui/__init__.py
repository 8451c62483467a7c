"""The Textual workstation: the screens and widgets, the app that drives them, and the
facades that do the blocking exchange, desk and backtest work in thread workers."""
