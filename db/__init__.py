"""Persistence: SQLModel tables, the append-only journal and its projections."""
