# Compiled projections (db/native.py, setup.py COMPILED_DB): Changes as a cdef class and
# the locals that hold the engine's records typed by the engine's own .pxd, so an order's,
# a user's and a symbol's fields are read at C level. Runs only beside the compiled engine.
cimport cython
from souq.engine.events cimport OrderEvent
from souq.engine.model cimport Order, Symbol, User

cdef class Changes:
    cdef public dict orders, users, symbols, assets
    cdef public list trades, moves, sessions
    cdef public set wallets, statused, ranked

    @cython.locals(orders=dict, moves=list, wallets=set, rows=list, ev=OrderEvent, o=Order,
                   maker=Order, taker=Order, sym=Symbol)
    cpdef list add(self, out, ts=*)

cpdef tuple order_row(Order o, seq)

cpdef int update_kind(Changes ch, oid) except -1

cpdef tuple order_update_row(Order o, seq, int kind=*)

@cython.locals(new_rows=list, updates=tuple, kind=int)
cpdef tuple order_rows(Changes ch, floor, last, touch)

@cython.locals(m=Order, o=Order)
cpdef tuple trade_row(t)

@cython.locals(out=list)
cpdef list ledger_rows(moves)

cpdef tuple wallet_values(w)

@cython.locals(new_rows=list, updated=list, key=tuple, user=User)
cpdef tuple wallet_rows(Changes ch, dict users, set known)
