"""SQL predicates of the partial indexes on orders (db/schema.py), shared with the queries
that use them. SQLite and PostgreSQL use a partial index only for a query that states the
index's predicate, so the readers (db/load.py, db/queries.py, db/lite.py, the desk's
report) put this very text in their WHERE clauses. Plain strings, no SQLAlchemy: db/lite.py
imports them on the read commands' fast path."""
from souq.engine.model import OPEN_STATUSES

#: an open order (a stop waiting, or resting on a book): the orders the start-up and the
#: books read. OR terms, not IN: SQLite evaluates an IN list in an index's predicate by
#: building a lookup table for every row written
OPEN_ORDER = "(" + " OR ".join(f"status = '{s}'" for s in OPEN_STATUSES) + ")"

#: an order that once rested on a book (has a time priority)
RANKED = "rank IS NOT NULL"
