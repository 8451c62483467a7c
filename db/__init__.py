"""Persistence: SQLModel tables, the append-only journal and its projections.

Importing the package first picks its compiled modules (db/native.py: the projections'
row building) or the pure-Python ones (SOUQ_PURE_PYTHON=1 forces pure)."""
from . import native as _native

_native.install(__name__, __path__)
