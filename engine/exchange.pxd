# Compiled engine (engine/native.py): exchange.py reads the model classes typed.
from souq.engine.model cimport Level, Order, Symbol, User
