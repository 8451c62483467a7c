# Compiled engine (engine/native.py): the "may act for" rule as a C-level call for orders.
cpdef act_refusal(object actor, object role, object user)
