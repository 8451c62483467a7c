# Compiled engine (engine/native.py): the fee formulas as C-level functions the matcher
# and escrow call directly (and Python callers as before).
cpdef fee(object notional, object rate, object unit)
cpdef buy_hold(object price, object qty, object step, object rate, object unit)
cpdef affordable_qty(object hold, object price, object most, object rate, object step,
                     object unit)
