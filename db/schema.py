"""Tables. Money, prices and quantities are plain decimal strings: exact, portable, readable.

The journal is the truth; every other table is a projection of it, updated in the
transaction of the journal rows that caused the change, or later in a bigger one by a
writer that defers them; meta `projected` says which journal point they stand at
(db/projected.py).
"""
from typing import Optional

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary, Text, text

from .predicates import OPEN_ORDER, RANKED

# A key column: BIGINT, but INTEGER on SQLite, where only "INTEGER PRIMARY KEY" makes the
# column the table's rowid; a BIGINT key is a second b-tree every insert also writes
KEY = BigInteger().with_variant(Integer(), "sqlite")
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = "6"   # 2: orders indexes for start-up, md_sets.state; 3: bt_runs.models,
                       # opt_runs.models; 4: fewer, partial orders indexes; 5: the meta row
                       # `projected`, the projections' journal point; 6: orders.qty
                       # nullable, NULL for a number that could not be read (db/migrate.py)


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


#: meta key whose value changes whenever an API key, a login session or a user changes
#: (db.apikeys, db.store): a gateway may trust a token it checked while it stays the same
AUTH_GENERATION_KEY = "auth_generation"


class WriterLock(SQLModel, table=True):
    """One row every writer updates first: that takes the database's write lock portably."""
    __tablename__ = "writer_lock"
    id: int = Field(primary_key=True)
    n: int = Field(sa_column=Column(BigInteger, nullable=False))


class Journal(SQLModel, table=True):
    __tablename__ = "journal"
    seq: int = Field(sa_column=Column(KEY, primary_key=True, autoincrement=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    actor: str
    op: str
    body: str = Field(sa_column=Column(Text, nullable=False))      # the command, stream shape
    status: str                                                     # accepted | rejected
    reason: Optional[str] = None
    events: str = Field(sa_column=Column(Text, nullable=False))    # JSON list


class UserRow(SQLModel, table=True):
    __tablename__ = "users"
    name: str = Field(primary_key=True)
    role: str
    status: str


class AssetRow(SQLModel, table=True):
    """An asset's precision (decimal places), once the operator set one: fees in it round
    up to that. An asset with no row has the ledger's own 18."""
    __tablename__ = "assets"
    name: str = Field(primary_key=True)
    precision: int


class SymbolRow(SQLModel, table=True):
    __tablename__ = "symbols"
    name: str = Field(primary_key=True)
    base: str
    quote: str
    tick_size: str
    qty_step: str
    min_qty: str
    max_qty: Optional[str] = None
    daily_limit: str
    ref_price: Optional[str] = None
    maker_fee: str
    taker_fee: str
    active: bool
    sessions: bool        # governed by sessions (once one was opened or closed)
    open: bool
    last_price: Optional[str] = None


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"
    id: Optional[int] = Field(default=None, primary_key=True)
    symbol: str = Field(index=True)
    opened_seq: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    opened_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    closed_seq: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    closed_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    opening_price: Optional[str] = None
    maker_fee: str
    taker_fee: str


class WalletRow(SQLModel, table=True):
    __tablename__ = "wallets"
    __table_args__ = {"sqlite_with_rowid": False}    # the (user, asset) key is the table
    user: str = Field(primary_key=True)
    asset: str = Field(primary_key=True)
    balance: str
    hold: str
    available: str


class OrderRow(SQLModel, table=True):
    __tablename__ = "orders"
    id: int = Field(sa_column=Column(KEY, primary_key=True, autoincrement=False))
    user: str
    client_id: str
    symbol: str
    side: str
    type: str
    tif: str
    stp: str
    price: Optional[str] = None
    stop_price: Optional[str] = None
    qty: Optional[str] = None   # NULL: unknown, the order's quantity could not be read
                                # (it was rejected for that; schema 6, db/migrate.py)
    filled: str
    cost: str             # quote traded, for the average price
    status: str
    reason: Optional[str] = None
    hold: str
    rank: Optional[int] = Field(default=None, sa_column=Column(BigInteger))  # book time priority
    updated_seq: int = Field(sa_column=Column(BigInteger, nullable=False))


class TradeRow(SQLModel, table=True):
    __tablename__ = "trades"
    id: int = Field(sa_column=Column(KEY, primary_key=True, autoincrement=False))
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    symbol: str
    price: str
    qty: str
    maker_order: int = Field(sa_column=Column(BigInteger, nullable=False))
    taker_order: int = Field(sa_column=Column(BigInteger, nullable=False))
    maker_cid: str
    taker_cid: str
    maker_user: str
    taker_user: str
    maker_fee: str
    taker_fee: str
    taker_side: str


class LedgerRow(SQLModel, table=True):
    """One movement between two account buckets: the double entry in one row."""
    __tablename__ = "ledger"
    id: Optional[int] = Field(default=None, primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    kind: str             # deposit withdraw hold release trade fee
    asset: str
    from_user: str
    from_bucket: str      # available | held
    to_user: str
    to_bucket: str
    amount: str
    ref: Optional[int] = Field(default=None, sa_column=Column(BigInteger))  # order or trade id


class CheckPoint(SQLModel, table=True):
    """The exchange as a clean `souq check` replayed it up to `seq` (db.checkpoint), so
    `souq check --since SEQ` replays only what came after. Not exchange state."""
    __tablename__ = "check_points"
    seq: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))   # zlib(JSON)


# Start-up reads only open orders and the highest rank, and looks client ids up by user and
# id: each has an index, so a start-up costs the same at 1k or 1M orders (db.load). Every
# order written pays for every index, so there are three, two of them partial: a user's
# orders and a client id share one; an order that never rests enters neither of the others,
# and a closed one leaves the open-orders index (schema 4; the queries state the predicates,
# db/predicates.py).
_O = OrderRow.__table__.c
Index("ix_orders_user_client_id", _O.user, _O.client_id)
Index("ix_orders_open", _O.status, sqlite_where=text(OPEN_ORDER), postgresql_where=text(OPEN_ORDER))
Index("ix_orders_ranked", _O.rank, sqlite_where=text(RANKED), postgresql_where=text(RANKED))
#: the orders indexes before schema 4 (db/migrate.py drops them)
OLD_ORDER_INDEXES = ("ix_orders_user", "ix_orders_status", "ix_orders_rank", "ix_orders_client_id")
Index("ix_trades_symbol", TradeRow.__table__.c.symbol)


# ------------------------------------------------------------------ the market-making desk
# Not exchange state: strategy configurations, their runs and samples, and the alert log
# are written by the desk directly (they change no balance), never through the journal.

class MmConfig(SQLModel, table=True):
    """One version of a named strategy configuration. Versions are never edited: a change
    writes the next version; the life-cycle stage is the only field that moves."""
    __tablename__ = "mm_configs"
    name: str = Field(primary_key=True)
    version: int = Field(primary_key=True)
    template: str
    symbol: str
    user: str                          # the market-maker user it trades as
    params: str = Field(sa_column=Column(Text, nullable=False))   # JSON {key: text}
    stage: str                         # draft backtested paper live retired
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str = ""


class MmRun(SQLModel, table=True):
    """A strategy running (or that ran): its PnL is counted from its start."""
    __tablename__ = "mm_runs"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    version: int
    mode: str                          # live | paper | sim
    state: str                         # running paused stopping stopped killed
    pid: Optional[int] = None          # the process running it, while it runs
    started_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    stopped_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    start_seq: int = Field(sa_column=Column(BigInteger, nullable=False))  # journal seq at start
    base_start: str                    # the user's base and quote totals at start
    quote_start: str
    reason: Optional[str] = None       # why it stopped
    heartbeat_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))  # last beat


class MmSample(SQLModel, table=True):
    """Inventory and equity of a run over time, for charts and reports."""
    __tablename__ = "mm_samples"
    id: Optional[int] = Field(default=None, primary_key=True)
    run: int = Field(index=True)
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    inventory: str
    equity: str                        # quote asset: PnL since start, valued at the mark
    mid: Optional[str] = None          # the mark (mm/desk/mark.py): others' mid, else last


class MmMid(SQLModel, table=True):
    """Each change of the market's mid (own orders left out) a run saw, as a backtest
    keeps them: what markouts and market impact of a live run are measured against."""
    __tablename__ = "mm_mids"
    id: Optional[int] = Field(default=None, primary_key=True)
    run: int = Field(index=True)
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    mid: str


class MmFill(SQLModel, table=True):
    """A run's own fills on a remote venue (`mm run --venue`), as the runner took them:
    this database holds neither that venue's symbols nor its trades, so the run's report
    reads its trade-level figures from here. Decimal text; fee in the quote asset."""
    __tablename__ = "mm_fills"
    id: Optional[int] = Field(default=None, primary_key=True)
    run: int = Field(index=True)
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    symbol: str
    base: str
    quote: str
    side: str                          # the run's side
    price: str
    qty: str
    fee: str
    cid: Optional[str] = None


class AlertRow(SQLModel, table=True):
    """The alert log. A repeat inside the rate limit bumps `repeats` on the open row."""
    __tablename__ = "alerts"
    id: Optional[int] = Field(default=None, primary_key=True)
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    source: str                        # strategy name, or "risk" / "exchange"
    severity: str                      # info warning critical
    kind: str                          # inventory drawdown kill_switch rejections ...
    text: str
    repeats: int = 0


class DeskLimit(SQLModel, table=True):
    """A limit over every running strategy together: the desk's net position in an asset
    (the sum of each run's inventory) stays within max_inventory."""
    __tablename__ = "desk_limits"
    asset: str = Field(primary_key=True)
    max_inventory: str


# ------------------------------------------------------------------ imported market data
# Historical trades and book changes for backtests. Not exchange state: written by
# `souq data import` in short transactions of one batch each (never holding the exchange's
# write lock for long), flagged ready in the last one; never through the journal. `line` is the
# row's line number in the source file, so rows keep file (= time) order.

class MdSet(SQLModel, table=True):
    """One imported file: a named data set of one kind for one symbol."""
    __tablename__ = "md_sets"
    name: str = Field(primary_key=True)
    kind: str                          # trades | book
    symbol: str
    rows: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    last_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    source: str                        # the file's name as given
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    # importing -> ready; ready -> deleting. Rows are written and removed in short
    # transactions of their own; only a `ready` set is visible (db.marketdata)
    state: str = Field(default="ready", sa_column=Column(Text, nullable=False,
                                                         server_default="ready"))


class MdTrade(SQLModel, table=True):
    __tablename__ = "md_trades"
    dataset: str = Field(primary_key=True)
    line: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    price: str
    qty: str
    side: str                          # the aggressor: buy | sell


class MdBook(SQLModel, table=True):
    __tablename__ = "md_book"
    dataset: str = Field(primary_key=True)
    line: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    side: str                          # bid | ask
    price: str
    size: str                          # 0: the level is gone
    kind: str                          # snapshot | update


Index("ix_md_trades_ts", MdTrade.__table__.c.dataset, MdTrade.__table__.c.ts)
Index("ix_md_book_ts", MdBook.__table__.c.dataset, MdBook.__table__.c.ts)




class BtRun(SQLModel, table=True):
    """A stored backtest: what was run (configuration version, overrides, data or scenario,
    seed, latency, code version), its figures, and the whole result (zlib'd JSON text)."""
    __tablename__ = "bt_runs"
    id: Optional[int] = Field(default=None, primary_key=True)
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    config: str = Field(index=True)
    version: int
    template: str
    symbol: str
    overrides: str = Field(sa_column=Column(Text, nullable=False))        # JSON {key: text}
    data: Optional[str] = None
    scenario: Optional[str] = None
    scenario_params: str = Field(sa_column=Column(Text, nullable=False))  # JSON
    start_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    end_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    duration_ns: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    latency_ns: int = Field(sa_column=Column(BigInteger, nullable=False))
    code_version: str
    events: int = Field(sa_column=Column(BigInteger, nullable=False))
    figures: str = Field(sa_column=Column(Text, nullable=False))          # JSON
    result: bytes = Field(sa_column=Column(LargeBinary, nullable=False))  # zlib(to_json())
    # JSON mm.backtest.models.record: queue, latency, entry_ns, response_ns, fees; NULL for
    # a run stored before models were recorded
    models: Optional[str] = Field(default=None, sa_column=Column(Text))


class OptRun(SQLModel, table=True):
    """A stored parameter search (mm/optimize.py): what was searched over what, the
    objective, the best parameter set, and the ranking and walk-forward as JSON."""
    __tablename__ = "opt_runs"
    id: Optional[int] = Field(default=None, primary_key=True)
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    config: str = Field(index=True)
    version: int
    template: str
    objective: str
    grid: str = Field(sa_column=Column(Text, nullable=False))             # JSON [--grid text]
    random: Optional[int] = None                                          # --random N
    data: Optional[str] = None
    scenario: Optional[str] = None
    seed: int = Field(sa_column=Column(BigInteger, nullable=False))
    duration_ns: Optional[int] = Field(default=None, sa_column=Column(BigInteger))
    folds: int
    code_version: str
    best: str = Field(sa_column=Column(Text, nullable=False))             # JSON {key: text}
    saved_version: Optional[int] = None                                   # --save wrote it
    results: str = Field(sa_column=Column(Text, nullable=False))          # JSON summary
    models: Optional[str] = Field(default=None, sa_column=Column(Text))   # JSON, as bt_runs


# ------------------------------------------------------------------ the network gateway
# Not exchange state: API keys, login sessions and the request audit log of `souq serve`,
# written by db/apikeys.py directly (they change no balance), never through the journal.

class ApiKey(SQLModel, table=True):
    """An API key: a client id and the argon2 hash of its secret (the secret is never kept)."""
    __tablename__ = "api_keys"
    client_id: str = Field(primary_key=True)
    user: str = Field(index=True)
    scope: str                         # read | trade | admin (engine.permissions.SCOPES)
    secret_hash: str
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    revoked_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))


class ApiSession(SQLModel, table=True):
    """One login: its tokens carry `id`. Refreshing moves `refresh_jti` on, so a refresh
    token that was used once no longer matches; logging out sets `revoked_ts`."""
    __tablename__ = "api_sessions"
    id: str = Field(primary_key=True)
    client_id: str = Field(index=True)
    refresh_jti: str
    created_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    revoked_ts: Optional[int] = Field(default=None, sa_column=Column(BigInteger))


class AuditRow(SQLModel, table=True):
    """One gateway request and its answer; never a secret, a token or a body."""
    __tablename__ = "audit"
    id: Optional[int] = Field(default=None, primary_key=True)
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    request_id: str
    client_id: Optional[str] = None
    user: Optional[str] = None
    method: str
    route: str                          # the route's template, e.g. /orders/{order_id}
    status: int
    latency_us: int = Field(sa_column=Column(BigInteger, nullable=False))
    peer: Optional[str] = None
from .surveil_schema import SurvAlert, SurvCase, SurvCaseEvent, SurvCursor  # noqa: E402,F401
