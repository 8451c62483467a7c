# Compiled engine (engine/native.py): the fee formulas as C-level functions the matcher
# and escrow call directly (and Python callers as before).
cimport cython

# GCC's and Clang's 128-bit integer, for fees whose product fits it (fees.py _fee_wide);
# Cython converts it to and from Python integers by their bytes
cdef extern from *:
    """
    typedef __int128 souq_int128;
    """
    ctypedef long long souq_int128
cpdef fee(object notional, object rate, object unit)
cpdef buy_hold(object price, object qty, object step, object rate, object unit)
cpdef affordable_qty(object hold, object price, object most, object rate, object step,
                     object unit)
@cython.locals(up=souq_int128, scale=souq_int128)
cdef souq_int128 _fee_wide(souq_int128 notional, souq_int128 rate) except? -1
