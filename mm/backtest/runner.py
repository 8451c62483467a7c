"""The strategy in a backtest: the desk's MemoryRunner with a latency line between its
decisions and the exchange, and a record of its own orders and fills.

With latency L, the commands a step decides at time t reach the exchange at t + L, in the
order decided, after any market event of that same nanosecond. Until then the runner
treats its pending orders as live (so it does not place them twice) and its pending
cancels and amends as done (as a live runner does between sending one and its
confirmation).

With response latency R (mm/backtest/models.py), the strategy learns of its own fills R
after the exchange printed them: the trades it reads (and so its on_fill) arrive then, and
until then it sees the filled orders as they were (an order filled out stays open to it).
The run's own record of fills keeps the exchange's times. At one nanosecond, notices due
come before commands due.
"""
from collections import deque

from souq.engine.events import OrderNew
from souq.mm.desk.quotes import BUY, SELL, Fill, Live, Trade
from souq.mm.desk.runner import MemoryRunner
from souq.mm.desk.slotted import slot_setters
from souq.mm.venue.local import engine_command
from souq.mm.venue.ports import Amend, Place

# The tape's records are made by the dozen at every step: each as object.__new__ and its
# slot setters (mm/desk/slotted.py), the same record as Trade(...)/Fill(...) without an
# interpreted __init__ per record
_new = object.__new__
_TRADE = slot_setters(Trade)    # ts, symbol, price, qty, taker_side
_FILL = slot_setters(Fill)      # ts, symbol, side, price, qty, fee, cid
_LIVE = slot_setters(Live)      # cid, symbol, side, price, qty, remaining, placed


class BacktestRunner(MemoryRunner):
    def __init__(self, ex, cfg: dict, *, latency_ns: int = 0, response_ns: int = 0) -> None:
        super().__init__(ex, cfg, prefix="bt.")
        self.latency = latency_ns           # entry latency, ns
        self.response = response_ns
        self.pending: deque = deque()       # (due ns, decided ns, command)
        self.notices: deque = deque()       # (due ns, engine trade tuples) not yet known
        self.unnoticed: dict = {}           # own cid -> (qty filled not yet known, Order)
        self.fills: list[Fill] = []
        self.placed: list[tuple[int, Place, object]] = []  # (decided, command, Order|None)
        # before(ts, symbol, side, price): told of each own order about to reach the
        # exchange at a limit price (a place, an amend's new price); the aggregate
        # replay moves the levels it can meet into the engine (mm/backtest/aggregate.py)
        self.before = None

    # ------------------------------------------------------------ the latency line
    def submit(self, cmds, now):
        if self.latency <= 0:
            return [self._apply(c, now, now) for c in cmds]
        due = now + self.latency
        pending = self.pending      # a loop: no generator per decision
        for c in cmds:
            pending.append((due, now, c))
        return [None] * len(cmds)

    def next_due(self) -> int | None:
        due = self.pending[0][0] if self.pending else None
        if self.notices and (due is None or self.notices[0][0] < due):
            return self.notices[0][0]
        return due

    def deliver(self, until: int) -> int:
        """Pass on every fill notice and apply every pending command due by `until`, in
        time order (notices first at one time); how many commands."""
        n = 0
        pending, notices = self.pending, self.notices
        while True:
            if notices and notices[0][0] <= until and (
                    not pending or notices[0][0] <= pending[0][0]):
                self._notice(notices.popleft()[1])
            elif pending and pending[0][0] <= until:
                due, decided, cmd = pending.popleft()
                self._apply(cmd, due, decided)
                n += 1
            else:
                return n

    def _before(self, cmd, now: int) -> None:
        t = type(cmd)
        if t is Place:
            self.before(now, cmd.symbol, cmd.side, cmd.price)
        elif t is Amend:        # a new price, or more quantity: to the back of a level
            o = self.ex.users[self.user].orders.get(cmd.cid)
            if o is not None and o.is_open:
                self.before(now, o.sym.name, o.side,
                            o.price if cmd.price is None else cmd.price)

    def _notice(self, trades) -> None:
        user = self.user
        for _tid, _seq, _ts, _sym, _price, qty, m, o, _mf, _tf, _side in trades:
            for order in (o, m):
                if order.user.name == user:
                    had, obj = self.unnoticed[order.cid]
                    if had > qty:
                        self.unnoticed[order.cid] = (had - qty, obj)
                    else:
                        del self.unnoticed[order.cid]
        self._keep(trades)

    def _apply(self, cmd, now: int, decided: int):
        ex = self.ex
        if self.before is not None:
            self._before(cmd, now)
        out = ex.apply(engine_command(cmd, self.user), now, self.user)
        if type(cmd) is Place:
            placed = None           # the order placed (a loop: no generator per place)
            for e in out.events:
                if type(e) is OrderNew:
                    placed = e.order
                    break
            self.placed.append((decided, cmd, placed))
        self.record(out.trades())
        return out.reason

    def _live(self, venue):
        """The exchange's open orders plus those still on their way to it (read from the
        bare Exchange: the latency line knows orders the venue does not yet)."""
        on_way = {c.cid: c for _, _, c in self.pending if type(c) is Place and c.tif == "gtc"}
        amends = {c.cid: c for _, _, c in self.pending if type(c) is Amend}
        orders = self.ex.users[self.user].orders
        out = []
        unnoticed = self.unnoticed
        new, live = _new, Live
        l_cid, l_sym, l_side, l_price, l_qty, l_left, l_placed = _LIVE
        for cid, placed in list(self.open.items()):
            o = orders.get(cid)
            if cid in unnoticed:            # as the strategy last knew it
                o = unnoticed[cid][1]
            if o is not None and (o.is_open or cid in unnoticed):
                a = amends.get(cid)         # an amend on its way counts as done
                price = o.price if a is None or a.price is None else a.price
                qty = o.qty if a is None or a.qty is None else a.qty
                known = o.filled - unnoticed[cid][0] if cid in unnoticed else o.filled
                # Live(cid, o.sym.name, o.side, price, qty, qty - known, placed)
                r = new(live)
                l_cid(r, cid)
                l_sym(r, o.sym.name)
                l_side(r, o.side)
                l_price(r, price)
                l_qty(r, qty)
                l_left(r, qty - known)
                l_placed(r, placed)
                out.append(r)
            elif cid in on_way:
                c = on_way[cid]
                out.append(Live(cid, c.symbol, c.side, c.price, c.qty, c.qty, placed))
            else:
                del self.open[cid]
        return tuple(out)

    # ------------------------------------------------------------ what it did
    def record(self, trades) -> None:
        user = self.user
        # most batches are other participants' trades only: straight to the tape. (An
        # engine Trade is a tuple subclass: unpacked, not indexed, which for a subclass
        # goes through a generic __getitem__ call)
        for _tid, _seq, _ts, _sym, _price, _qty, m, o, _mf, _tf, _side in trades:
            if o.user.name == user or m.user.name == user:
                break
        else:
            watch, kept = self.watch, self._tape     # self._keep(trades), inline
            for t in trades:
                _tid, _seq, _ts, sym, _price, _qty, _m, _o, _mf, _tf, _side = t
                if sym in watch:
                    kept.append(t)
            return
        own, others = [], []
        for t in trades:
            _tid, _seq, ts, sym, price, qty, m, o, mfee, tfee, side = t
            if o.user.name == user:
                self.fills.append(_fill(_new(Fill), ts, sym, side, price, qty, tfee, o.cid))
            if m.user.name == user:
                self.fills.append(_fill(_new(Fill), ts, sym, SELL if side == BUY else BUY,
                                        price, qty, mfee, m.cid))
            if self.response > 0 and user in (o.user.name, m.user.name):
                own.append(t)
                for order in (o, m):
                    if order.user.name == user:
                        had = self.unnoticed.get(order.cid, (0, order))[0]
                        self.unnoticed[order.cid] = (had + qty, order)
            else:
                others.append(t)
        if own:
            trades = others
            for t in own:
                self.notices.append((t[2] + self.response, [t]))
        self._keep(trades)

    # The tape as the engine's trade tuples, read at the step (`_read_trades`) rather
    # than made into TapeTrades as each batch prints: the same fills and tape, without an
    # object per market trade that the step then reads once and drops.
    def _keep(self, trades) -> None:
        watch = self.watch
        kept = self._tape
        for t in trades:
            _tid, _seq, _ts, sym, _price, _qty, _m, _o, _mf, _tf, _side = t
            if sym in watch:
                kept.append(t)

    def _read_trades(self) -> tuple:
        """StrategyRunner._read_trades on the kept engine trade tuples: (own fills, the
        tape) since the last read, and the last trade id read."""
        fills, tape = [], []
        user = self.user
        raw, self._tape = self._tape, []
        last = self.trade_mark
        new, trade, fill = _new, Trade, Fill
        t_ts, t_sym, t_price, t_qty, t_side = _TRADE
        for tid, _seq, ts, sym, price, qty, m, o, mfee, tfee, side in raw:
            if tid > last:
                last = tid
            t = new(trade)          # Trade(ts, sym, price, qty, side)
            t_ts(t, ts)
            t_sym(t, sym)
            t_price(t, price)
            t_qty(t, qty)
            t_side(t, side)
            tape.append(t)
            if o.user.name == user:
                fills.append(_fill(new(fill), ts, sym, side, price, qty, tfee, o.cid))
            if m.user.name == user:
                fills.append(_fill(new(fill), ts, sym, SELL if side == BUY else BUY, price,
                                   qty, mfee, m.cid))
        self.trade_mark = last
        return tuple(fills), tuple(tape)

    def orders(self) -> list[dict]:
        """Every own order the exchange saw: as decided, and how it ended (so far)."""
        out = []
        for decided, c, o in self.placed:
            if o is not None:       # the order placed (None: refused before it was one)
                status, filled = o.status, o.filled
            else:
                status, filled = "rejected", 0
            out.append({"id": c.cid, "ts": decided, "side": c.side, "price": c.price,
                        "qty": c.qty, "status": status, "filled": filled})
        return out


def _fill(f, ts, sym, side, price, qty, fee, cid):
    """`f`, a new bare Fill, set to Fill(ts, sym, side, price, qty, fee, cid)."""
    f_ts, f_sym, f_side, f_price, f_qty, f_fee, f_cid = _FILL
    f_ts(f, ts)
    f_sym(f, sym)
    f_side(f, side)
    f_price(f, price)
    f_qty(f, qty)
    f_fee(f, fee)
    f_cid(f, cid)
    return f
