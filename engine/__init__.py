"""Pure exchange domain logic: books, matching, order life cycle, fees, escrow, ledger.

No I/O, no clock reads, no UI. The same commands always produce the same events.

The public API, all that the layers above import (tests/test_architecture.py holds them
to it): `exchange` (Exchange, whose apply(command) returns an events.Outcome), `events`
(Outcome, ResultCode, the event records), `commands`, `model`, `symbols` (SymbolSpec, the
one symbol specification and its grid rules), `numbers`, `timeunits`, `fees`,
`permissions`, `stream`, `edge`, `admission`, `invariants`, `workload`. The
Exchange's parts (`ledger`, `escrow`, `matching`, `orders`, `sessions`) are internal.
"""
