"""Strategy templates. Importing this package registers every one of them."""
from . import fixed_spread, inventory_skew, layered, ping_pong, vol_adaptive  # noqa: F401
