# Compiled engine (engine/native.py): Exchange, the last link of its chain (ledger.pxd).
from souq.engine.model cimport Level, Order, Symbol, User
from souq.engine.events cimport Outcome, outcome
from souq.engine.commands cimport CancelOrder, PlaceOrder
from souq.engine.sessions cimport Sessions

cdef class Exchange(Sessions):
    pass
