# Compiled engine (engine/native.py): Orders, fourth link of Exchange's chain (ledger.pxd).
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User, closed, new_order
from souq.engine.events cimport OrderNew, OrderQueued, OrderRejected, order_event
from souq.engine.permissions cimport act_refusal
from souq.engine.matching cimport Matching
from souq.engine.commands cimport CancelOrder, PlaceOrder
from souq.engine.symbols cimport price_refusal_of, qty_refusal_of

# the model's names and the ledger's SYSTEM role as C-level globals (escrow.pxd)
cdef str ACTIVE_USER, BUY, CANCELLED, MARKET, POST_ONLY, QUEUED, REJECTED, STOP_MARKET, IOC
cdef str SYSTEM

cdef class Orders(Matching):
    @cython.locals(user=User)
    cdef _acting_for(self, object name, User who)
    @cython.locals(user=User, o=Order, ev=list)
    cdef _place(self, PlaceOrder c, User who)
    @cython.locals(known=Symbol)
    cdef _check(self, Order o, User user, object sym)
    @cython.locals(user=User)
    cdef _open_order(self, object name, object cid, User who)
    @cython.locals(o=Order)
    cdef _cancel(self, CancelOrder c, User who)
    @cython.locals(sym=Symbol, user=User)
    cdef _amend_check(self, Order o, object c)
    @cython.locals(o=Order)
    cdef Py_ssize_t _close_all(self, User user, object symbol, object reason) except -1

cdef _may_trade(User user, Symbol sym)
