# Compiled engine (engine/native.py): the hot path's records as cdef classes, made at C
# level. The other events stay dataclasses.
cimport cython
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

# the hot path's makers: a C call of the type's allocator, no __init__ (events.py)
@cython.locals(e=OrderEvent)
cpdef OrderEvent order_event(type cls, object order, object reason=*)
@cython.locals(e=OrderRested)
cpdef OrderRested order_rested(object order)
@cython.locals(out=Outcome)
cpdef Outcome outcome(object seq, object code, object reason, list events)
