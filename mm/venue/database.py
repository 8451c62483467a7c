"""A database shared with other processes as a venue, through db.api.Api.

Reads come from the exchange the Api's store keeps current in memory (caught up on the
journal by `refresh`); each batch of commands is one transaction, journalled in the
order-stream shape (the journal's own text) at the Api's clock.
"""
from sqlalchemy.exc import OperationalError

from .local import LocalVenue
from .ports import stream_command


class DatabaseVenue(LocalVenue):
    """`api` is a db.api.Api; trades committed by anyone reach `on_trades` (engine trade
    tuples) as this process commits or catches up on them."""

    def __init__(self, api, on_trades=None) -> None:
        super().__init__(api.exchange)
        self.api = api
        self.listener = on_trades
        if on_trades is not None:
            api.add_trade_listener(on_trades)

    def refresh(self) -> bool:
        """Catch up on the journal; False when the database is locked or unreachable past
        its busy timeout."""
        try:
            self.api.refresh()
        except OperationalError:
            return False
        return True

    def journal_seq(self) -> int:
        """The newest journal entry this process has applied."""
        return self.api.exchange().seq

    def submit(self, cmds, user, now=None):
        batch = self.api.execute_many([stream_command(c, user) for c in cmds])
        return [o.reason for o in batch.outcomes]

    def close(self) -> None:
        if self.listener is not None:
            self.api.remove_trade_listener(self.listener)
            self.listener = None
