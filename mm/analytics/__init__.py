"""Analytics: what a run earned, at what risk and why, and what a market looks like.

Pure functions over plain series (engine integers: prices and quantities at 1e-9, money at
1e-18), numpy inside for statistics. `figures(result)` gathers every run metric.
"""
from .figures import figures

__all__ = ["figures"]
