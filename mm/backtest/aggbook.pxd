# Compiled data replay (mm/backtest/native.py): the aggregate book (aggbook.py) as an
# extension class, its fields in C and its steps calling each other at C level. Prices and
# quantities stay Python integers (a price at 1e-9 may pass 64 bits); the counters and
# versions are C integers. The engine's classes are read as Python objects, so this build
# does not depend on the engine's.
cimport cython

cdef class Party:
    cdef public object user, cid

cdef class AggBook:
    cdef public object owner, ex, sym, user, queue
    cdef public dict levels, bids, asks
    cdef public list bheap, aheap
    cdef public long long n, skipped, version, bver, aver
    cdef public object book_user, flow_user
    cdef public Party book_party, flow_party
    cdef object eng_seq
    cdef tuple eng
    cdef bint mid_ok
    cdef object mid_seq, mid_user, mid_val
    cdef long long mid_ver
    cdef object ask_seq, ask_val, bid_seq, bid_val
    cdef long long ask_ver, bid_ver
    cdef public object symbol
    cdef object spec_seq, k_tick, k_step, k_min, k_max, k_band, k_maker, k_taker, k_fee_q

    cdef fields(self)
    cdef limit(self, user, side, price, qty, tif)

    @cython.locals(book=dict, heap=list)
    cdef top(self, side)
    @cython.locals(book=dict, heap=list)
    cdef add(self, side, key, list chunks)
    cdef moved(self, side)
    cdef tuple engine(self)
    @cython.locals(eng=tuple)
    cpdef best(self, side, user)
    @cython.locals(eng=tuple, heap=list, book=dict)
    cpdef mid(self, user)
    @cython.locals(levels=dict, book=dict)
    cpdef tuple depth(self, side, n)
    cpdef bint would_cross(self, side, price) except -1
    @cython.locals(book=dict, chunks=list, orders=list, cuttable=list, front=list,
                   shared=bint)
    cpdef level(self, ts, side, price, size)
    @cython.locals(chunks=list, cmds=list, alive=list, behind=list)
    cdef bint demote(self, ts, side, price, lv) except -1
    @cython.locals(book=dict, chunks=list, levels=dict, cids=list, cmds=list)
    cdef promote(self, ts, side, price)
    cpdef prepare(self, ts, symbol, side, price)
    @cython.locals(book=dict, stale=list, trades=list, chunks=list, off=bint,
                   refused=bint, invalid=bint)
    cpdef trade(self, ts, side, price, qty)
    cdef made(self, ts, side, price, qty)

cpdef object _total(list chunks)
cpdef object _left(list orders)
cpdef engine_best(side, user)
