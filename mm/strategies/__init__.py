"""Strategy templates. Importing this package registers every one of them."""
from . import avellaneda  # noqa: F401
from . import glft  # noqa: F401
from . import hedger  # noqa: F401
