# Compiled engine (engine/native.py): Escrow, second link of Exchange's chain (ledger.pxd).
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User
from souq.engine.fees cimport affordable_qty, buy_hold, fee
from souq.engine.ledger cimport Ledger

# the wallet buckets (model.AVAIL, model.HELD) as C indexes
cdef Py_ssize_t AVAIL, HELD
# the model's status, side and type names as C-level globals: compared without a
# module-dict look-up (== on a str is a length or first-character test, `is` a pointer one)
cdef str ACTIVE, BUY, CANCELLED, MARKET, PARTIAL, SELL
cdef object QTY_TO_AMOUNT

cdef class Escrow(Ledger):
    @cython.locals(s=Symbol)
    cdef _hold_for_buy(self, Order o, object price, object qty)
    @cython.locals(sym=Symbol, u=User, w=list)
    cdef _reserve(self, Order o)
    @cython.locals(sym=Symbol)
    cdef _hold_market_buy(self, Order o, object limit, object have)
    @cython.locals(sym=Symbol, level=Level, m=Order)
    cdef _reach(self, Order o, object limit)
    @cython.locals(sym=Symbol)
    cdef _release(self, Order o)
    @cython.locals(sym=Symbol)
    cdef _release_excess(self, Order o)
    @cython.locals(sym=Symbol, buy=bint)
    cdef _rehold(self, Order o, object price, object qty)
