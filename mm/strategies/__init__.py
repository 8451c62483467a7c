"""Strategy templates. Importing this package registers every one of them."""
from . import avellaneda, fixed_spread, glft, hedger, inventory_skew, layered  # noqa: F401
from . import ping_pong, vol_adaptive  # noqa: F401
