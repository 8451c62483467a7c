"""The market-making desk: strategies decide quotes, the quote engine turns them into
orders, risk keeps them inside limits. Prices and quantities are engine integers (1e-9).

Importing the package first picks its compiled hot modules or the pure-Python ones
(mm/desk/native.py; SOUQ_PURE_PYTHON=1 forces pure)."""
from . import native as _native

_native.install(__name__, __path__)
