# Compiled engine (engine/native.py): the grid rules on plain integers, called at C level
# by the order checks and matching (SymbolSpec itself stays a Python dataclass).
cpdef band_limits_of(object band, object ref)
cpdef price_refusal_of(object price, object field, object tick, object band, object ref)
cpdef qty_refusal_of(object qty, object step, object min_qty, object max_qty)
cdef object _off_grid(object value, object grid)
cdef long long _mod64(long long value, long long grid) except? -1
