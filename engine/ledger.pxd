# Compiled engine (engine/native.py): the first link of Exchange's chain of parts (Ledger,
# Escrow, Matching, Orders, Sessions, Exchange) as cdef classes, so each part calls the
# others' methods at C level. The state is declared here; hot methods are cdef (callable
# from the compiled parts only), command handlers stay def.
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User

# the wallet buckets (model.AVAIL, model.HELD) as C indexes
cdef Py_ssize_t AVAIL, HELD

cdef class Ledger:
    # Python integers, not C ones: an order's oid and rank are then one shared object
    # (a C counter made a new int for each, 32 bytes more a resting order)
    cdef public object seq, trade_seq, rank_seq, ts
    cdef public dict users, symbols, assets, _handlers
    cdef public list events

    cdef list _wallet(self, User user, object asset)
    @cython.locals(sw=list, dw=list)
    cdef _move(self, object kind, object asset, User src, Py_ssize_t sb, User dst,
               Py_ssize_t db, object amount, object ref)
