# The compiled engine's view of model.py (engine/native.py, setup.py): the same classes as
# cdef classes, so the compiled modules read and write their fields at C level. Every
# field stays a Python object: money at 1e-18 and quantities at 1e-9 outgrow 64 bits.
cdef class User:
    cdef public object name, role, status, wallets, orders

cdef class Symbol:
    cdef public object name, spec, fee_q, active, sessions, open, bids, asks, stops, last

cdef class Order:
    cdef public object oid, user, cid, sym, side, type, tif, stp, price, stop, qty
    cdef public object filled, cost, status, reason, hold, rank

cdef class Level:
    cdef public object price, orders, count, total
