"""The ledger: every balance change is a move from one account bucket to another.

For each asset the sum over all users' buckets (available and held) equals deposits minus
withdrawals at all times; @world is the outside world's side of deposits and withdrawals.
Each move is a LedgerMoved event. The first link of `Exchange`'s chain of parts
(engine.exchange): Ledger, Escrow, Matching, Orders, Sessions, Exchange, each a subclass of
the one before, so that the compiled engine (engine/native.py) calls each part's methods at
C level (ledger.pxd declares the state fields below and the hot methods).
"""
from . import commands as C
from .events import Deposited, LedgerMoved, ResultCode as R, Withdrawn
from .model import AVAIL, WORLD, User
from .numbers import fmt_amount

SYSTEM = "system"   # role of the built-in fee and world accounts: they never trade


class Ledger:
    """The exchange's state, wallets and moves between them; the deposit and withdraw
    commands."""

    def __init__(self) -> None:
        self.seq = 0              # journal sequence of the last applied command
        self.trade_seq = 0
        self.rank_seq = 0         # the time priority given to the last order that rested
        self.ts = 0               # the time of the command being applied (ns, passed in)
        self.users: dict[str, User] = {}
        self.symbols: dict = {}   # name -> model.Symbol
        self.assets: dict[str, int] = {}   # asset -> precision (decimal places) once set
        self.events: list = []    # the command being applied's events

    def _wallet(self, user: User, asset: str) -> list[int]:
        """`user`'s [available, held] of `asset` (1e-18), made empty when missing."""
        w = user.wallets.get(asset)
        if w is None:
            w = user.wallets[asset] = [0, 0]
        return w

    def _move(self, kind, asset, src, sb, dst, db, amount, ref):
        """Move `amount` (1e-18) of `asset` from src's bucket `sb` to dst's bucket `db`."""
        sw = src.wallets.get(asset) or self._wallet(src, asset)
        dw = dst.wallets.get(asset) or self._wallet(dst, asset)
        sw[sb] -= amount
        dw[db] += amount
        self.events.append(LedgerMoved((self.seq, kind, asset, src.name, sb, dst.name, db,
                                        amount, ref)))

    def _deposit(self, c: C.Deposit, who):
        u = self.users.get(c.user)
        if u is None or u.role == SYSTEM:
            return R.UNKNOWN_USER, f"unknown user {c.user!r}"
        self._move("deposit", c.asset, self.users[WORLD], AVAIL, u, AVAIL, c.amount, None)
        self.events.append(Deposited(u.name, c.asset, c.amount))
        return None

    def _withdraw(self, c: C.Withdraw, who):
        u = self.users.get(c.user)
        if u is None or u.name == WORLD:
            return R.UNKNOWN_USER, f"unknown user {c.user!r}"
        w = u.wallets.get(c.asset)
        have = w[AVAIL] if w else 0
        if have < c.amount:
            return R.INSUFFICIENT_FUNDS, (f"insufficient available {c.asset} for {u.name}: "
                                          f"needs {fmt_amount(c.amount)}, has {fmt_amount(have)}")
        self._move("withdraw", c.asset, u, AVAIL, self.users[WORLD], AVAIL, c.amount, None)
        self.events.append(Withdrawn(u.name, c.asset, c.amount))
        return None
