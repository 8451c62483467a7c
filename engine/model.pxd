# The compiled engine's view of model.py (engine/native.py, setup.py): the same classes as
# cdef classes, so the compiled modules read and write their fields at C level. Money and
# quantities stay Python integers: money at 1e-18 and quantities at 1e-9 outgrow 64 bits.
cimport cython
from souq.engine.book cimport BookSide

cdef class User:
    cdef public object name, role, status
    cdef public dict wallets, orders

cdef class Symbol:
    cdef public object name, fee_q, active, sessions, open, last
    cdef public BookSide bids, asks
    # the spec and the copies of its fields its setter keeps (model.Symbol.spec)
    cdef object _spec
    cdef public object base, quote, tick, step, min_qty, max_qty, band, ref, maker, taker
    cdef public object hold_rate
    cdef public list stops

cdef class Order:
    cdef public User user
    cdef public object oid, cid, sym, side, type, tif, stp, price, stop, qty
    cdef public object filled, cost, status, reason, hold, rank

cdef class Level:
    cdef public object price, orders, total
    cdef public Py_ssize_t count

cdef dict _CLOSED
cpdef closed(object status)

# the hot path's Order maker: a C call of the type's allocator, no __init__ (model.py)
@cython.locals(o=Order)
cpdef Order new_order(object oid, User user, object cid, object sym, object side, object type_,
                      object tif, object stp, object price, object stop, object qty)
