"""What a strategy holds since its run started, from its own fills: position, average cost
and cash, as exact integers (quantity and price at 1e-9, money at 1e-18).

The stop-loss and take-profit control reads the average cost; a strategy that sizes by its
own performance reads the equity. Same average-cost rule as mm/pnl.py, on engine integers.
"""
from .quotes import BUY


class Holding:
    def __init__(self) -> None:
        self.qty = 0        # base, positive long
        self.cost = 0       # signed cost of the open position, 1e-18 (negative when short)
        self.cash = 0       # quote received minus paid, fees included, 1e-18
        self.fees = 0

    def fill(self, side: str, price: int, qty: int, fee: int = 0) -> None:
        signed = qty if side == BUY else -qty
        self.cash -= price * signed + fee
        self.fees += fee
        if self.qty == 0 or (self.qty > 0) == (signed > 0):      # opening or adding
            self.cost += price * signed
            self.qty += signed
            return
        closing = min(abs(signed), abs(self.qty))
        left = abs(self.qty) - closing
        kept = abs(self.cost) * left // abs(self.qty)
        self.cost = kept if self.cost > 0 else -kept
        self.qty += signed
        if self.qty and (self.qty > 0) == (signed > 0):          # flipped: the rest opens anew
            self.cost = price * self.qty

    @property
    def avg(self) -> int | None:
        """Average cost of the open position (price at 1e-9), None when flat."""
        return abs(self.cost) // abs(self.qty) if self.qty else None

    def open_return(self, mark: int) -> float:
        """Gain (negative: loss) of the open position marked at `mark`, as a share of its
        cost; 0 when flat."""
        if not self.qty or not self.cost:
            return 0.0
        return (mark * self.qty - self.cost) / abs(self.cost)

    def equity(self, mark: int) -> int:
        """Cash plus the position marked at `mark`, 1e-18: the run's mark-to-market PnL."""
        return self.cash + self.qty * mark
