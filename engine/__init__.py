"""Pure exchange domain logic: books, matching, order life cycle, fees, escrow, ledger.

No I/O, no clock reads, no UI. The same commands always produce the same events.
"""
