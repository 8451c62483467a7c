"""Pure exchange domain logic: books, matching, order life cycle, fees, escrow, ledger.

No I/O, no clock reads, no UI. The same commands always produce the same events.

The public API, all that the layers above import (tests/test_architecture.py holds them
to it): `exchange` (Exchange, whose apply(command) returns an events.Outcome), `events`
(Outcome, ResultCode, the event records), `commands`, `model`, `symbols` (SymbolSpec, the
one symbol specification and its grid rules), `numbers`, `timeunits`, `fees`,
`permissions`, `stream`, `edge`, `admission`, `invariants`, `workload`, `native` (which
kind runs: compiled or pure Python). The Exchange's parts (`ledger`, `escrow`, `matching`, `orders`, `sessions`) are internal.

Importing the package first picks the compiled hot modules or the pure-Python reference
(engine.native; SOUQ_PURE_PYTHON=1 forces pure).
"""
from . import native as _native

_native.install(__name__, __path__)
