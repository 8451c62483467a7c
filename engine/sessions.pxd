# Compiled engine (engine/native.py): Sessions, fifth link of Exchange's chain (ledger.pxd).
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User
from souq.engine.orders cimport Orders

cdef class Sessions(Orders):
    @cython.locals(o=Order, u=User)
    cdef _rehold_buys(self, Symbol s)
