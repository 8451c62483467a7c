# Compiled engine (engine/native.py): the hot path's records as cdef classes, made at C
# level. The other events stay dataclasses.
cdef class Outcome:
    cdef public object seq, code, reason
    cdef public list events

cdef class OrderEvent:
    cdef public object order, reason

cdef class OrderNew(OrderEvent):
    pass

cdef class OrderQueued(OrderEvent):
    pass

cdef class OrderActive(OrderEvent):
    pass

cdef class OrderPartiallyFilled(OrderEvent):
    pass

cdef class OrderFilled(OrderEvent):
    pass

cdef class OrderCancelled(OrderEvent):
    pass

cdef class OrderExpired(OrderEvent):
    pass

cdef class OrderRejected(OrderEvent):
    pass

cdef class OrderRested:
    cdef public object order
