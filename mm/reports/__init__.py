"""Reports of stored backtest runs: every figure and the equity, drawdown, inventory and
markout curves, as Markdown (plotext charts as text), one self-contained HTML file (inline
SVG) or JSON. Pure: a stored run row in, text out; the same run gives the same bytes.

    from souq.mm.reports import render
    text = render(db.backtests.run(conn, 1), "html")
"""
from .content import Report, build
from .formats import FORMATS, render

__all__ = ["FORMATS", "Report", "build", "render"]
