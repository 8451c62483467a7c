"""The market-making desk: strategies, quoting, risk, simulation, backtests (later issues)."""
