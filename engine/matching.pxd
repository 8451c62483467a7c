# Compiled engine (engine/native.py): Matching, third link of Exchange's chain (ledger.pxd).
cimport cython
from souq.engine.model cimport Level, Order, Symbol, User, closed
from souq.engine.fees cimport affordable_qty, buy_hold, fee
from souq.engine.events cimport (OrderActive, OrderFilled, OrderPartiallyFilled, OrderRested,
                                 order_event, order_rested)
from souq.engine.book cimport BookSide
from souq.engine.escrow cimport Escrow
from souq.engine.symbols cimport band_limits_of

# the wallet buckets (model.AVAIL, model.HELD) as C indexes
cdef Py_ssize_t AVAIL, HELD
# the model's names as C-level globals (escrow.pxd)
cdef str ACTIVE, ACTIVE_USER, BUY, CANCELLED, FEES, FILLED, FOK, IOC, MARKET, PARTIAL
cdef str POST_ONLY, REJECTED, STOP_MARKET, STP_BOTH, STP_NEWEST, STP_NONE, STP_OLDEST
cdef object QTY_TO_AMOUNT

cdef class Matching(Escrow):
    @cython.locals(sym=Symbol, buy=bint, is_market=bint, w=list)
    cdef _activate(self, Order o)
    @cython.locals(buy=bint, level=Level, m=Order)
    cdef bint _fillable(self, Order o, object limit) except -1
    @cython.locals(sym=Symbol, book=BookSide, level=Level, m=Order)
    cdef _match(self, Order o, object limit, bint buy, bint is_market)
    @cython.locals(sym=Symbol, buyer=Order, seller=Order, bu=User, su=User, fees=User,
                   bq=list, sb=list, bb=list, sq=list, fw=list, ev=list)
    cdef _trade(self, Order m, Order o, object price, object fill, bint taker_buys)
    cdef _filled(self, Order x, list ev)
    cdef _rest(self, Order o, bint buy)
    cdef _next_rank(self)
    @cython.locals(sym=Symbol, book=BookSide, level=Level)
    cdef _unbook(self, Order o)
    @cython.locals(o=Order)
    cdef _trigger_stops(self, Symbol sym)
    cdef _reject(self, Order o, object code, object reason)
    cdef _close(self, Order o, object status, object reason, bint unbook=*)
    @cython.locals(level=Level, o=Order)
    cdef list _open_orders(self, Symbol s)

@cython.locals(s=Symbol, book=BookSide, level=Level)
cpdef book_order(Order o)

cpdef _best(BookSide book)
