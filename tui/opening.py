"""Opening the exchange at start-up: the blocking part, run in the app's worker
(SouqApp.open_exchange) so the window draws meanwhile."""
from collections.abc import Callable

from souq.db import demo as demo_db
from souq.db.api import Api
from souq.engine.model import OPERATOR
from souq.mm.demo import DEMO_TRADER
from souq.mm.desk.demo_configs import build as build_demo
from souq.mm.sim import SimParams, participants

from . import settings


def open_exchange(facade, *, demo: bool, local: bool, clock: Callable[[], int],
                  notify: Callable[[str], None]) -> bool:
    """Open `facade` (a tui.facade.ExchangeFacade, or a RemoteFacade when not `local`)
    and fill its focus's empty symbol and user; with `demo`, on an empty database (or a
    demo database past its retention, db/demo.py) create the demo exchange first.
    `clock()` is ns since the epoch; `notify(text)` says the demo database started afresh
    (called from this thread: it must hand over to the UI itself). Returns whether the
    database has a demo market to run (never for a server's exchange). Raises what
    opening the database raises."""
    if demo and local:                  # a server's database is not ours to age
        hours = settings.load().get("demo_retention_hours", demo_db.DEFAULT_RETENTION_HOURS)
        aged = demo_db.age_out(facade.api.url, clock(), float(hours))
        if aged is not None:
            notify(f"the demo database was older than {hours:g} h: started "
                   f"afresh ({aged:,} journal entries removed)")
    facade.open()
    if not local:                       # a server's exchange: nothing local to load
        return False
    api = facade.api
    created = False
    if demo and not api.exchange().symbols:
        build_demo(Api(api.url, clock=clock))
        api.refresh()
        created = True
    # the demo's living market runs on a demo database however it was made (`souq`
    # on an empty one, `souq init --demo`, `souq demo reset`) or where it once ran
    has_market = (created or demo_db.is_demo(facade.api.db)
                  or participants(SimParams())[0][0] in api.exchange().users)
    ex = api.exchange()
    focus = facade.focus
    focus.symbol = focus.symbol or (sorted(ex.symbols)[0] if ex.symbols else "")
    focus.user = focus.user or (DEMO_TRADER if DEMO_TRADER in ex.users else OPERATOR)
    return has_market
