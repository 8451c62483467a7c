# Compiled engine (engine/native.py): the first link of Exchange's chain of parts (Ledger,
# Escrow, Matching, Orders, Sessions, Exchange) as cdef classes, so each part calls the
# others' methods at C level. The state is declared here; hot methods are cdef (callable
# from the compiled parts only), command handlers stay def.
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User

# the wallet buckets (model.AVAIL, model.HELD) as C indexes
cdef Py_ssize_t AVAIL, HELD

cdef class Ledger:
    cdef public long long seq, trade_seq, rank_seq
    cdef public object ts
    cdef public dict users, symbols, assets, _handlers
    cdef public list events

    cdef list _wallet(self, User user, object asset)
    @cython.locals(sw=list, dw=list)
    cdef _move(self, object kind, object asset, User src, Py_ssize_t sb, User dst,
               Py_ssize_t db, object amount, object ref)
