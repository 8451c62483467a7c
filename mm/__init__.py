"""The market-making desk: strategy templates, quoting, controls and risk, the demo market
simulator, backtests, parameter search, analytics and reports."""
