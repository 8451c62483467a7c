"""The venue seam: a read-only market port and an order port (mm/venue/ports.py), over an
exchange in this process, a shared database, a souq gateway, or several at once."""
from .ports import (Amend, Cancel, CancelAll, MarketPort, OpenOrder, OrderCommand, OrderPort,
                    Place, TapeTrade, Venue, stream_command)

__all__ = ["Amend", "Cancel", "CancelAll", "MarketPort", "OpenOrder", "OrderCommand",
           "OrderPort", "Place", "TapeTrade", "Venue", "stream_command"]
