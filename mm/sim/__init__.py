"""A small agent-based market simulator: noise, informed and momentum traders around a
hidden fair value. The core (Simulator) is seeded and free of I/O and clocks; drivers
apply its commands to a database through the API, or to a bare engine Exchange.

    driver = ApiDriver(api, SimParams(rate=200), seed=1)
    driver.start(now_ns)
    report = driver.step(now_ns)        # each tick; pause()/resume(); stop() -> Summary
"""
from .core import Simulator
from .driver import ApiDriver, Driver, ExchangeDriver, Summary, TickReport
from .params import SimParams, check_run
from .participants import participant_commands, participants
from .runner import run_fast, run_realtime
from .tape import TapeDriver
from souq.mm.view import MarketView, OpenOrder, SymbolView, observe

__all__ = ["ApiDriver", "Driver", "ExchangeDriver", "MarketView", "OpenOrder", "SimParams",
           "Simulator", "Summary", "SymbolView", "TapeDriver", "TickReport", "check_run", "observe",
           "participant_commands", "participants", "run_fast", "run_realtime"]
