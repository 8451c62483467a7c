# Compiled engine (engine/native.py): the two hot commands as cdef classes, so the
# exchange reads their fields at C level; the other commands stay dataclasses.
cdef class PlaceOrder:
    cdef public object user, cid, symbol, side, type, qty, price, stop, tif, stp, invalid

cdef class CancelOrder:
    cdef public object user, cid
