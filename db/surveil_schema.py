"""Surveillance tables. Not exchange state: the follower writes alerts, cases and its own
cursor; case decisions are journalled (`audit` entries) and these rows are their
projection, written in the same transaction as the journal entry."""
from typing import Optional

from sqlalchemy import BigInteger, Column, LargeBinary, Text
from sqlmodel import Field, SQLModel


class SurvCase(SQLModel, table=True):
    """A case: alerts of one rule on one set of accounts and symbol, and its decision.
    status: open | under_review | dismissed | confirmed | released."""
    __tablename__ = "surv_cases"
    id: Optional[int] = Field(default=None, primary_key=True)
    rule: str
    subject: str = Field(index=True)              # Alert.subject
    users: str = Field(sa_column=Column(Text, nullable=False))       # JSON list
    symbol: Optional[str] = None
    severity: str
    status: str
    opened_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    updated_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    alerts: int = 0
    suspended: str = "[]"                          # JSON: users this case's confirm suspended
    note: str = ""


class SurvAlert(SQLModel, table=True):
    """One alert with its evidence (mm.surveillance.alert.Alert)."""
    __tablename__ = "surv_alerts"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(index=True)
    rule: str
    severity: str
    users: str = Field(sa_column=Column(Text, nullable=False))
    symbol: Optional[str] = None
    first_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    orders: str = Field(sa_column=Column(Text, nullable=False))      # JSON list of order ids
    trades: str = Field(sa_column=Column(Text, nullable=False))      # JSON list of trade ids
    logins: str = Field(sa_column=Column(Text, nullable=False))      # JSON list of login ids
    scores: str = Field(sa_column=Column(Text, nullable=False))      # JSON object


class SurvCaseEvent(SQLModel, table=True):
    """A case's history: opened and extended by surveillance (seq: the alert's last journal
    entry), reviewed, dismissed, confirmed, released by an admin (seq: the audit entry)."""
    __tablename__ = "surv_case_events"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(index=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    actor: str
    action: str
    note: str = Field(sa_column=Column(Text, nullable=False))


class SurvCursor(SQLModel, table=True):
    """Where a follower stopped: the last journal entry whose alerts are stored (written
    with them), the last gateway login id read, and a checkpoint of its detectors' state
    as of entry `state_seq` (written every so many entries: a restart replays from there
    to `seq` without storing those alerts again)."""
    __tablename__ = "surv_cursor"
    name: str = Field(primary_key=True)
    seq: int = Field(sa_column=Column(BigInteger, nullable=False))
    state_seq: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    login_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    ts: int = Field(sa_column=Column(BigInteger, nullable=False))
    state: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
