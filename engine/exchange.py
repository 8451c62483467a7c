"""The exchange: one object, one hot path per command, commands in and events out.

Every balance change is a ledger move from one account bucket to another, so for each
asset the sum over all users' buckets equals deposits minus withdrawals at all times.
Outputs accumulate in `out_*` for the persistence layer to drain once per transaction.
"""
from . import commands as C
from .permissions import ADMIN_ONLY_COMMANDS, command_refusal
from .model import (
    ACTIVE, ACTIVE_USER, ADMIN, AVAIL, BUY, CANCELLED, DAY, EXPIRED, FEES, FILLED, FOK,
    HELD, IOC, MARKET, NEW, OPERATOR, PARTIAL, POST_ONLY, QUEUED, REJECTED,
    ROLES, SELL, STOP_MARKET, STP_BOTH, STP_NEWEST, STP_NONE, STP_OLDEST,
    SUSPENDED, WORLD, Level, Order, Symbol, User,
)
from .fees import MAX_PRECISION, buy_hold, fee, precision_unit
from .numbers import PRICE_SCALE, QTY_TO_AMOUNT, fmt, fmt_amount

SYSTEM = "system"   # role of the built-in fee and world accounts: they never trade


class UnknownSymbol:
    """Stands in for a symbol name that does not exist, so the rejected order keeps it."""
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Exchange:
    def __init__(self) -> None:
        self.seq = 0              # journal sequence of the last applied command
        self.trade_seq = 0
        self.rank_seq = 0         # the time priority given to the last order that rested
        self.users: dict[str, User] = {}
        self.symbols: dict[str, Symbol] = {}
        self.assets: dict[str, int] = {}   # asset -> precision (decimal places) once set
        self.out_assets: dict[str, int] = {}
        for name, role in ((OPERATOR, ADMIN), (FEES, SYSTEM), (WORLD, SYSTEM)):
            self.users[name] = User(name, role)
        self._fees = self.users[FEES]
        self._world = self.users[WORLD]
        self.ts = 0
        self.events: list[tuple] = []   # this command's events
        self.out_orders: dict[int, Order] = {}
        self.out_trades: list[tuple] = []
        self.out_moves: list[tuple] = []
        self.out_users: dict[str, User] = {}
        self.out_symbols: dict[str, Symbol] = {}
        self._handlers = {
            C.PlaceOrder: self._place, C.CancelOrder: self._cancel, C.CancelAll: self._cancel_all,
            C.Deposit: self._deposit, C.Withdraw: self._withdraw, C.AddUser: self._add_user,
            C.SetUserStatus: self._set_user_status, C.AddSymbol: self._add_symbol,
            C.SetSymbolActive: self._set_symbol_active, C.SessionOpen: self._session_open,
            C.SessionClose: self._session_close, C.SetAssetPrecision: self._set_precision,
            C.AmendOrder: self._amend, C.Audit: self._audit,
        }

    # ------------------------------------------------------------------ entry point
    def apply(self, cmd, ts: int = 0, actor: str = OPERATOR) -> str | None:
        """Apply one command at time `ts` (passed in, never read). Returns the rejection
        reason, or None when the command was accepted."""
        self.seq += 1
        self.ts = ts
        self.events = []
        who = self.users.get(actor)
        if who is None:
            return f"unknown user {actor!r}"
        if type(cmd) in ADMIN_ONLY_COMMANDS:
            refused = command_refusal(cmd, actor, who.role)
            if refused:
                return refused
        return self._handlers[type(cmd)](cmd, who)

    def drain(self):
        """Hand the accumulated outputs to the caller and start afresh:
        (orders, trades, moves, wallets, users, symbols)."""
        moves = self.out_moves
        wallets = {}
        users = self.users
        for m in moves:
            asset = m[2]
            for name in (m[3], m[5]):
                key = (name, asset)
                if key not in wallets:
                    wallets[key] = users[name].wallets[asset]
        out = (self.out_orders, self.out_trades, moves, wallets, self.out_users, self.out_symbols)
        self.out_orders, self.out_trades, self.out_moves = {}, [], []
        self.out_users, self.out_symbols = {}, {}
        return out

    def take_trades(self) -> list[tuple]:
        trades, self.out_trades = self.out_trades, []
        return trades

    # ------------------------------------------------------------------ ledger
    def _wallet(self, user: User, asset: str) -> list[int]:
        w = user.wallets.get(asset)
        if w is None:
            w = user.wallets[asset] = [0, 0]
        return w

    def _move(self, kind, asset, src, sb, dst, db, amount, ref):
        sw = src.wallets.get(asset) or self._wallet(src, asset)
        dw = dst.wallets.get(asset) or self._wallet(dst, asset)
        sw[sb] -= amount
        dw[db] += amount
        self.out_moves.append((self.seq, kind, asset, src.name, sb, dst.name, db, amount, ref))

    def take_assets(self) -> dict[str, int]:
        """Asset precisions set since the last call (asset -> decimal places)."""
        out, self.out_assets = self.out_assets, {}
        return out

    def _hold_for_buy(self, o: Order, price: int, qty: int) -> int:
        s = o.sym
        return buy_hold(price, qty, s.step, max(s.maker, s.taker), s.fee_q)

    # ------------------------------------------------------------------ admin commands
    def _add_user(self, c: C.AddUser, who):
        if c.user in self.users:
            return f"user {c.user} already exists"
        if not c.user or c.user.startswith("@"):
            return f"user name {c.user!r} is reserved; names may not start with '@'"
        if c.role not in ROLES:
            return f"unknown role {c.role!r}; use one of {', '.join(ROLES)}"
        u = self.users[c.user] = User(c.user, c.role)
        self.out_users[u.name] = u
        self.events.append(("user", u.name, u.role, u.status))
        return None

    def _set_user_status(self, c: C.SetUserStatus, who):
        u = self.users.get(c.user)
        if u is None or u.role == SYSTEM:
            return f"unknown user {c.user!r}"
        if u.name == OPERATOR:
            return "the operator cannot be suspended"
        if c.status not in (ACTIVE_USER, SUSPENDED):
            return f"unknown user status {c.status!r}; use active or suspended"
        u.status = c.status
        if c.status == SUSPENDED:   # the rule: a suspended user has no live order, ever
            self._close_all(u, None, f"user {u.name} suspended")
        self.out_users[u.name] = u
        self.events.append(("user", u.name, u.role, u.status))
        return None

    def _audit(self, c: C.Audit, who):
        """Nothing in the exchange changes: the journal entry itself is the record."""
        self.events.append(("audit", c.action, c.subject))
        return None

    def _add_symbol(self, c: C.AddSymbol, who):
        if c.symbol in self.symbols:
            return f"symbol {c.symbol} already exists"
        if c.base == c.quote:
            return f"symbol {c.symbol}: base and quote must differ"
        if c.min_qty % c.step:
            return f"min_qty {fmt(c.min_qty)} is not a multiple of qty_step {fmt(c.step)}"
        if c.max_qty is not None and (c.max_qty < c.min_qty or c.max_qty % c.step):
            return f"max_qty {fmt(c.max_qty)} must be a multiple of qty_step and at least min_qty"
        if c.ref is not None and c.ref % c.tick:
            return f"ref_price {fmt(c.ref)} is not a multiple of tick_size {fmt(c.tick)}"
        if c.band and c.band >= PRICE_SCALE:
            return "daily_limit must be below 1"
        s = self.symbols[c.symbol] = Symbol(c.symbol, c.base, c.quote, c.tick, c.step, c.min_qty,
                                            c.max_qty, c.band, c.ref, c.maker, c.taker)
        if c.quote in self.assets:
            s.fee_q = precision_unit(self.assets[c.quote])
        self.out_symbols[s.name] = s
        self.events.append(("symbol", s.name))
        return None

    def _set_symbol_active(self, c: C.SetSymbolActive, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return f"unknown symbol {c.symbol!r}"
        s.active = c.active
        self.out_symbols[s.name] = s
        self.events.append(("symbol", s.name))
        return None

    def _set_precision(self, c: C.SetAssetPrecision, who):
        if not 0 <= c.places <= MAX_PRECISION:
            return f"precision of {c.asset} must be 0 to {MAX_PRECISION} decimal places"
        self.assets[c.asset] = c.places
        self.out_assets[c.asset] = c.places
        unit = precision_unit(c.places)
        for s in self.symbols.values():
            if s.quote == c.asset and s.fee_q != unit:
                s.fee_q = unit
                self._rehold_buys(s)
        self.events.append(("asset", c.asset, c.places))
        return None

    def _deposit(self, c: C.Deposit, who):
        u = self.users.get(c.user)
        if u is None or u.role == SYSTEM:
            return f"unknown user {c.user!r}"
        self._move("deposit", c.asset, self._world, AVAIL, u, AVAIL, c.amount, None)
        self.events.append(("deposit", u.name, c.asset, fmt_amount(c.amount)))
        return None

    def _withdraw(self, c: C.Withdraw, who):
        u = self.users.get(c.user)
        if u is None or u.name == WORLD:
            return f"unknown user {c.user!r}"
        w = u.wallets.get(c.asset)
        have = w[AVAIL] if w else 0
        if have < c.amount:
            return (f"insufficient available {c.asset} for {u.name}: "
                    f"needs {fmt_amount(c.amount)}, has {fmt_amount(have)}")
        self._move("withdraw", c.asset, u, AVAIL, self._world, AVAIL, c.amount, None)
        self.events.append(("withdraw", u.name, c.asset, fmt_amount(c.amount)))
        return None

    def _session_open(self, c: C.SessionOpen, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return f"unknown symbol {c.symbol!r}"
        if s.sessions and s.open:
            return f"session for {s.name} is already open"
        if c.opening_price is not None:
            if c.opening_price % s.tick:
                return f"opening_price {fmt(c.opening_price)} is not a multiple of tick_size {fmt(s.tick)}"
            s.ref = c.opening_price
        s.sessions = True
        s.open = True
        band = s.band_limits() if c.opening_price is not None else None
        if band:   # a new reference: resting orders outside the new band may not trade
            for o in self._open_orders(s):
                if o.rank is not None and not band[0] <= o.price <= band[1]:
                    self._close(o, EXPIRED, f"price {fmt(o.price)} is outside the daily band "
                                            f"{fmt(band[0])}-{fmt(band[1])} set at session open")
        old = max(s.maker, s.taker)
        if c.maker is not None:
            s.maker = c.maker
        if c.taker is not None:
            s.taker = c.taker
        if max(s.maker, s.taker) != old:
            self._rehold_buys(s)
        self.out_symbols[s.name] = s
        self.events.append(("session", s.name, "open"))
        return None

    def _rehold_buys(self, s: Symbol):
        """New fee rates change what a resting buy must reserve: top up or release."""
        for o in list(self._open_orders(s)):
            if o.side != BUY or o.price is None:
                continue
            need = self._hold_for_buy(o, o.price, o.qty - o.filled)
            diff = need - o.hold
            u = o.user
            if diff > 0:
                if self._wallet(u, s.quote)[AVAIL] < diff:
                    self._close(o, CANCELLED, "insufficient available balance for the new fee rates")
                    continue
                self._move("hold", s.quote, u, AVAIL, u, HELD, diff, o.oid)
            elif diff < 0:
                self._move("release", s.quote, u, HELD, u, AVAIL, -diff, o.oid)
            o.hold = need
            self.out_orders[o.oid] = o

    def _session_close(self, c: C.SessionClose, who):
        s = self.symbols.get(c.symbol)
        if s is None:
            return f"unknown symbol {c.symbol!r}"
        if s.sessions and not s.open:
            return f"session for {s.name} is already closed"
        s.sessions = True
        s.open = False
        for o in list(self._open_orders(s)):
            if o.tif == DAY:
                self._close(o, EXPIRED, "session closed")
        self.out_symbols[s.name] = s
        self.events.append(("session", s.name, "close"))
        return None

    def _open_orders(self, s: Symbol):
        """Live orders of a symbol in time order: the book's, then untriggered stops."""
        live = []
        for book in (s.bids, s.asks):
            for level in book.values():
                live.extend(o for o in level.orders if o.status is ACTIVE or o.status is PARTIAL)
        live.sort(key=_oid)
        return live + list(s.stops)

    # ------------------------------------------------------------------ orders
    def _place(self, c: C.PlaceOrder, who: User):
        user = self.users.get(c.user)
        if user is None or user.role == SYSTEM:
            return f"unknown user {c.user!r}"
        if who is not user and who.role != ADMIN:
            return f"{who.name} may not act for {user.name}"
        cid = c.cid
        if cid is None:
            cid = f"#{self.seq}"
        elif cid in user.orders:
            return f"duplicate client order id {cid!r} for {user.name}"
        sym = self.symbols.get(c.symbol) or UnknownSymbol(c.symbol)
        o = Order(self.seq, user, cid, sym, c.side, c.type, c.tif, c.stp, c.price, c.stop, c.qty)
        user.orders[cid] = o
        self.out_orders[o.oid] = o
        ev = self.events
        ev.append(("order", o.oid, NEW, None))
        o.status = QUEUED
        ev.append(("order", o.oid, QUEUED, None))
        reason = c.invalid or self._check(o, user, sym)
        if reason is None:
            reason = self._reserve(o)
        if reason is not None:
            o.status = REJECTED
            o.reason = reason
            user.orders[cid] = REJECTED
            ev.append(("order", o.oid, REJECTED, reason))
            return reason
        if o.stop is not None:
            sym.stops.append(o)
            if sym.last is not None:
                self._trigger_stops(sym)
            return None
        reason = self._activate(o)
        if sym.stops and sym.last is not None:
            self._trigger_stops(sym)
        return reason

    def _check(self, o: Order, user: User, sym) -> str | None:
        """Every rule an order must pass before it may reserve funds."""
        if type(sym) is not Symbol:
            return f"unknown symbol {sym.name!r}"
        reason = _may_trade(user, sym)
        if reason is not None:
            return reason
        t = o.type
        if (t == MARKET or t == STOP_MARKET) and o.tif not in ("gtc", IOC):
            return f"time in force {o.tif} does not apply to {t} orders"
        reason = _qty_rule(sym, o.qty)
        if reason is not None:
            return reason
        for field, price in (("price", o.price), ("stop_price", o.stop)):
            if price is None:
                continue
            if price % sym.tick:
                return f"{field} {fmt(price)} is not a multiple of the tick {fmt(sym.tick)}"
        if o.price is not None:
            band = sym.band_limits()
            if band and not band[0] <= o.price <= band[1]:
                return (f"price {fmt(o.price)} is outside the daily band "
                        f"{fmt(band[0])}-{fmt(band[1])}")
        return None

    def _reserve(self, o: Order) -> str | None:
        """Put on hold what the order may spend; market buys reserve at activation."""
        sym, u = o.sym, o.user
        if o.side == SELL:
            asset, need = sym.base, o.qty * QTY_TO_AMOUNT
        elif o.type == MARKET:
            return None
        else:
            asset = sym.quote
            price = o.price if o.price is not None else o.stop
            need = self._hold_for_buy(o, price, o.qty)
        w = u.wallets.get(asset)
        have = w[AVAIL] if w else 0
        if have < need:
            return (f"insufficient available {asset}: needs {fmt_amount(need)}, "
                    f"has {fmt_amount(have)}")
        self._move("hold", asset, u, AVAIL, u, HELD, need, o.oid)
        o.hold = need
        return None

    def _activate(self, o: Order) -> str | None:
        """Take liquidity, then rest, cancel or reject by type and time in force."""
        sym = o.sym
        ev = self.events
        buy = o.side == BUY
        is_market = o.type == MARKET or o.type == STOP_MARKET
        if o.type == STOP_MARKET and buy:
            self._release(o)
        limit = o.price
        if is_market:
            band = sym.band_limits()
            limit = (band[1] if buy else band[0]) if band else None
            if buy:
                w = o.user.wallets.get(sym.quote)
                have = w[AVAIL] if w else 0
                if have <= 0:
                    return self._reject(o, f"insufficient available {sym.quote}: has 0")
        elif o.tif == POST_ONLY:
            best = _best(sym.asks if buy else sym.bids)
            if best is not None and (best <= limit if buy else best >= limit):
                return self._reject(o, f"post-only order would cross the book at {fmt(best)}")
        elif o.tif == FOK and not self._fillable(o, limit):
            return self._reject(o, f"fill-or-kill order cannot be filled whole (qty {fmt(o.qty)})")
        if is_market and buy:
            need = self._reach(o, limit)
            if need > have:
                need = have
            if need:
                self._move("hold", sym.quote, o.user, AVAIL, o.user, HELD, need, o.oid)
                o.hold = need
        o.status = ACTIVE
        ev.append(("order", o.oid, ACTIVE, None))
        stop = self._match(o, limit, buy, is_market)
        if o.filled == o.qty:
            return None
        if stop is not None:
            self._close(o, CANCELLED, stop)
        elif is_market:
            self._close(o, CANCELLED, "market order: no more liquidity within reach; rest cancelled")
        elif o.tif == IOC:
            self._close(o, CANCELLED, "immediate-or-cancel: unfilled rest cancelled")
        else:
            self._rest(o, buy)
        return None

    def _reach(self, o: Order, limit) -> int:
        """What a market buy can spend: the asks it could sweep, with taker fees."""
        sym = o.sym
        left = o.qty - o.filled
        total = 0
        rate, unit = sym.taker, sym.fee_q
        for level in sym.asks.values():
            if limit is not None and level.price > limit:
                break
            for m in level.orders:      # one fee per fill: per resting order, as _match charges
                if left <= 0:
                    return total
                if m.status is not ACTIVE and m.status is not PARTIAL:
                    continue
                q = m.qty - m.filled
                if q > left:
                    q = left
                n = level.price * q
                total += n + fee(n, rate, unit)
                left -= q
        return total

    def _fillable(self, o: Order, limit: int) -> bool:
        buy = o.side == BUY
        need = o.qty
        for level in (o.sym.asks if buy else o.sym.bids).values():
            if level.price > limit if buy else level.price < limit:
                return False
            for m in level.orders:
                if m.status is not ACTIVE and m.status is not PARTIAL:
                    continue
                if m.user is o.user and o.stp != STP_NONE:
                    if o.stp == STP_OLDEST:
                        continue
                    return False
                need -= m.qty - m.filled
                if need <= 0:
                    return True
        return False

    def _match(self, o: Order, limit, buy: bool, is_market: bool) -> str | None:
        """Cross `o` against the opposite side in price-time order. Returns why it
        stopped early (self-trade prevention, funds), or None."""
        sym = o.sym
        book = sym.asks if buy else sym.bids
        stp = o.stp
        taker_rate = sym.taker
        while book and o.filled < o.qty:
            key, level = book.peekitem(0)
            price = level.price
            if limit is not None and (price > limit if buy else price < limit):
                break
            q = level.orders
            while q:
                m = q[0]
                st = m.status
                if st is not ACTIVE and st is not PARTIAL:
                    q.popleft()
                    continue
                if m.user is o.user and stp != STP_NONE:
                    if stp == STP_NEWEST:
                        return "self-trade prevention: newest order cancelled"
                    q.popleft()
                    level.count -= 1
                    level.total -= m.qty - m.filled
                    self._close(m, CANCELLED, "self-trade prevention: both orders cancelled"
                                if stp == STP_BOTH else
                                "self-trade prevention: oldest order cancelled", unbook=False)
                    if stp == STP_BOTH:
                        if not level.count:
                            del book[key]
                        return "self-trade prevention: both orders cancelled"
                    continue
                fill = o.qty - o.filled
                mrem = m.qty - m.filled
                if mrem < fill:
                    fill = mrem
                if is_market and buy:
                    n = price * fill
                    if n + fee(n, taker_rate, sym.fee_q) > o.hold:
                        fill = self._affordable(o, price, fill)
                        if not fill:
                            if not level.count:
                                del book[key]
                            return "market order: funds exhausted; rest cancelled"
                self._trade(m, o, price, fill, buy)
                level.total -= fill
                if m.filled == m.qty:
                    q.popleft()
                    level.count -= 1
                if o.filled == o.qty:
                    break
            if not level.count or not q:
                del book[key]
        return None

    def _affordable(self, o: Order, price: int, most: int) -> int:
        sym = o.sym
        f = o.hold * PRICE_SCALE // (price * (PRICE_SCALE + sym.taker))
        if f > most:
            f = most
        f -= f % sym.step
        while f > 0:
            n = price * f
            if n + fee(n, sym.taker, sym.fee_q) <= o.hold:
                break
            f -= sym.step
        return f

    def _trade(self, m: Order, o: Order, price: int, fill: int, taker_buys: bool):
        """Settle one fill: base to the buyer, quote to the seller, both fees to @fees."""
        sym = o.sym
        n = price * fill
        maker_fee = fee(n, sym.maker, sym.fee_q)
        taker_fee = fee(n, sym.taker, sym.fee_q)
        if taker_buys:
            buyer, seller, bfee, sfee = o, m, taker_fee, maker_fee
        else:
            buyer, seller, bfee, sfee = m, o, maker_fee, taker_fee
        self.trade_seq += 1
        tid = self.trade_seq
        bu, su = buyer.user, seller.user
        base, quote = sym.base, sym.quote
        base_amt = fill * QTY_TO_AMOUNT
        bq = bu.wallets[quote]
        sb = su.wallets[base]
        bb = bu.wallets.get(base) or self._wallet(bu, base)
        sq = su.wallets.get(quote) or self._wallet(su, quote)
        sb[HELD] -= base_amt
        bb[AVAIL] += base_amt
        bq[HELD] -= n
        sq[AVAIL] += n
        seq = self.seq
        bn, sn = bu.name, su.name
        moves = self.out_moves
        moves.append((seq, "trade", base, sn, HELD, bn, AVAIL, base_amt, tid))
        moves.append((seq, "trade", quote, bn, HELD, sn, AVAIL, n, tid))
        if bfee or sfee:
            fw = self._fees.wallets.get(quote) or self._wallet(self._fees, quote)
            if bfee:
                bq[HELD] -= bfee
                fw[AVAIL] += bfee
                moves.append((seq, "fee", quote, bn, HELD, FEES, AVAIL, bfee, tid))
            if sfee:
                sq[AVAIL] -= sfee
                fw[AVAIL] += sfee
                moves.append((seq, "fee", quote, sn, AVAIL, FEES, AVAIL, sfee, tid))
        buyer.hold -= n + bfee
        seller.hold -= base_amt
        m.filled += fill
        m.cost += n
        o.filled += fill
        o.cost += n
        sym.last = price
        self.out_symbols[sym.name] = sym
        self.out_trades.append((tid, self.seq, self.ts, sym.name, price, fill, m, o,
                                maker_fee, taker_fee, o.side))
        ev = self.events
        ev.append(("trade", tid))
        oo = self.out_orders
        oo[m.oid] = m
        for x in (m, o):
            if x.filled == x.qty:
                x.status = FILLED
                x.reason = None
                ev.append(("order", x.oid, FILLED, None))
                if x.hold:
                    self._release(x)
                x.user.orders[x.cid] = FILLED
            elif x.status is not PARTIAL:
                x.status = PARTIAL
                ev.append(("order", x.oid, PARTIAL, None))

    def _rest(self, o: Order, buy: bool):
        sym = o.sym
        if buy:
            excess = o.hold - self._hold_for_buy(o, o.price, o.qty - o.filled)
            if excess > 0:
                self._move("release", sym.quote, o.user, HELD, o.user, AVAIL, excess, o.oid)
                o.hold -= excess
            book, key = sym.bids, -o.price
        else:
            book, key = sym.asks, o.price
        level = book.get(key)
        if level is None:
            level = book[key] = Level(o.price)
        o.price = level.price
        o.rank = self._next_rank()
        level.orders.append(o)
        level.count += 1
        level.total += o.qty - o.filled

    def _next_rank(self) -> int:
        """Time priority for an order joining the book now: strictly above every rank given
        before, so two orders resting in one command (a taker's rest and the stops its
        trades trigger) never tie. It equals the command's seq whenever that is free, so
        ranks stay readable as "rested at seq ...". Persisted with the order; a rebuild
        resumes from the highest stored rank (db.load)."""
        rank = self.seq if self.seq > self.rank_seq else self.rank_seq + 1
        self.rank_seq = rank
        return rank

    def _release(self, o: Order):
        if o.hold:
            asset = o.sym.quote if o.side == BUY else o.sym.base
            self._move("release", asset, o.user, HELD, o.user, AVAIL, o.hold, o.oid)
            o.hold = 0

    def _reject(self, o: Order, reason: str) -> str:
        """Refuse an order that was queued but never rested: same bookkeeping as a close."""
        self._close(o, REJECTED, reason, unbook=False)
        return reason

    def _close(self, o: Order, status: str, reason: str, unbook: bool = True) -> None:
        """End a live order (cancelled or expired): off the book, hold released."""
        if unbook:
            self._unbook(o)
        self._release(o)
        o.status = status
        o.reason = reason
        o.user.orders[o.cid] = status
        self.events.append(("order", o.oid, status, reason))
        self.out_orders[o.oid] = o
        return None

    def _unbook(self, o: Order):
        sym = o.sym
        if o.stop is not None and o in sym.stops:
            sym.stops.remove(o)
            return
        if o.status is not ACTIVE and o.status is not PARTIAL:
            return
        if o.rank is None:   # an incoming order that never rested: nothing to take off
            return
        book, key = (sym.bids, -o.price) if o.side == BUY else (sym.asks, o.price)
        level = book.get(key)
        if level is None:
            return
        level.count -= 1
        level.total -= o.qty - o.filled
        if not level.count:
            del book[key]

    def _trigger_stops(self, sym: Symbol):
        """Stops trigger on the last trade price; their trades may trigger more."""
        while sym.stops and sym.last is not None:
            last = sym.last
            fired = [o for o in sym.stops
                     if (o.stop <= last if o.side == BUY else o.stop >= last)]
            if not fired:
                return
            for o in fired:
                sym.stops.remove(o)
            for o in fired:
                o.reason = f"stop triggered at {fmt(last)}"
                self.out_orders[o.oid] = o
                if o.user.status != ACTIVE_USER:   # never trades for a suspended user
                    self._close(o, CANCELLED, f"user {o.user.name} suspended", unbook=False)
                    continue
                if o.price is not None:
                    band = sym.band_limits()
                    if band and not band[0] <= o.price <= band[1]:
                        self._reject(o, f"price {fmt(o.price)} is outside the daily band "
                                        f"{fmt(band[0])}-{fmt(band[1])} when triggered")
                        continue
                self._activate(o)

    def _open_order(self, c, who: User):
        """(the acting user's open order `c.cid` of `c.user`, None) or (None, why not)."""
        user = self.users.get(c.user)
        if user is None or user.role == SYSTEM:
            return None, f"unknown user {c.user!r}"
        if who is not user and who.role != ADMIN:
            return None, f"{who.name} may not act for {user.name}"
        o = user.orders.get(c.cid)
        if o is None:
            return None, f"unknown order id {c.cid!r} for {user.name}"
        if type(o) is str:
            return None, f"order {c.cid!r} is already {o}"
        return o, None

    def _cancel(self, c: C.CancelOrder, who: User):
        o, reason = self._open_order(c, who)
        if o is None:
            return reason
        self._close(o, CANCELLED, "cancelled by user" if who is o.user else f"cancelled by {who.name}")
        return None

    def _amend(self, c: C.AmendOrder, who: User):
        """Change a resting order's price and/or total quantity in place. A smaller quantity
        keeps its place in the queue; a new price or a larger quantity takes it off the book
        and puts it back like a new order (fresh rank, matching first if it now crosses).
        The hold moves by exactly the difference; a refused amend changes nothing."""
        o, reason = self._open_order(c, who)
        if o is None:
            return reason
        reason = c.invalid or self._amend_check(o, c)
        if reason is not None:
            return reason
        sym = o.sym
        buy = o.side == BUY
        price = o.price if c.price is None else c.price
        qty = o.qty if c.qty is None else c.qty
        rem = qty - o.filled
        need = self._hold_for_buy(o, price, rem) if buy else rem * QTY_TO_AMOUNT
        diff = need - o.hold
        asset = sym.quote if buy else sym.base
        if diff > 0:
            have = self._wallet(o.user, asset)[AVAIL]
            if have < diff:
                return (f"insufficient available {asset} to amend: needs {fmt_amount(diff)} "
                        f"more, has {fmt_amount(have)}")
            self._move("hold", asset, o.user, AVAIL, o.user, HELD, diff, o.oid)
        elif diff < 0:
            self._move("release", asset, o.user, HELD, o.user, AVAIL, -diff, o.oid)
        o.hold = need
        self.out_orders[o.oid] = o
        keeps = price == o.price and qty <= o.qty
        self.events.append(("amend", o.oid, fmt(price), fmt(qty), keeps))
        if keeps:               # same place in the queue, less quantity behind it
            level = (sym.bids if buy else sym.asks)[-price if buy else price]
            level.total -= o.qty - qty
            o.qty = qty
            return None
        self._unbook(o)
        level_key = -o.price if buy else o.price
        level = (sym.bids if buy else sym.asks).get(level_key)
        if level is not None:
            level.orders.remove(o)
        o.price, o.qty, o.rank = price, qty, None
        stop = self._match(o, price, buy, False)
        if o.filled < o.qty:
            if stop is not None:
                self._close(o, CANCELLED, stop, unbook=False)
            else:
                self._rest(o, buy)
        if sym.stops and sym.last is not None:
            self._trigger_stops(sym)
        return None

    def _amend_check(self, o: Order, c: C.AmendOrder) -> str | None:
        """Every rule an amend must pass; None when it may go ahead."""
        sym, user = o.sym, o.user
        if o.rank is None:
            return f"order {o.cid!r} is not resting in the book (a stop waiting to trigger)"
        if c.price is None and c.qty is None:
            return "amend needs a new price or a new quantity"
        if (c.price is None or c.price == o.price) and (c.qty is None or c.qty == o.qty):
            return f"amend changes nothing: order {o.cid!r} is already {fmt(o.qty)} @ {fmt(o.price)}"
        reason = _may_trade(user, sym)
        if reason is not None:
            return reason
        if c.qty is not None:
            if c.qty <= o.filled and c.qty % sym.step == 0:
                return (f"qty {fmt(c.qty)} is not above the {fmt(o.filled)} already filled; "
                        "cancel the order instead")
            reason = _qty_rule(sym, c.qty)
            if reason is not None:
                return reason
        if c.price is not None and c.price != o.price:
            if c.price % sym.tick:
                return f"price {fmt(c.price)} is not a multiple of the tick {fmt(sym.tick)}"
            band = sym.band_limits()
            if band and not band[0] <= c.price <= band[1]:
                return (f"price {fmt(c.price)} is outside the daily band "
                        f"{fmt(band[0])}-{fmt(band[1])}")
            if o.tif == POST_ONLY:
                best = _best(sym.asks if o.side == BUY else sym.bids)
                if best is not None and (best <= c.price if o.side == BUY else best >= c.price):
                    return f"post-only order would cross the book at {fmt(best)}"
        return None

    def _cancel_all(self, c: C.CancelAll, who: User):
        user = self.users.get(c.user)
        if user is None or user.role == SYSTEM:
            return f"unknown user {c.user!r}"
        if who is not user and who.role != ADMIN:
            return f"{who.name} may not act for {user.name}"
        if c.symbol is not None and c.symbol not in self.symbols:
            return f"unknown symbol {c.symbol!r}"
        reason = "cancelled by user (cancel all)" if who is user else f"cancelled by {who.name} (cancel all)"
        n = self._close_all(user, c.symbol, reason)
        self.events.append(("cancel_all", user.name, n))
        return None

    def _close_all(self, user: User, symbol: str | None, reason: str) -> int:
        """Cancel every live order of `user` (resting and untriggered stops), in `symbol`
        or everywhere, oldest first, releasing their holds. Returns how many."""
        live = [o for o in user.orders.values()
                if type(o) is Order and (symbol is None or o.sym.name == symbol)]
        live.sort(key=_oid)
        for o in live:
            self._close(o, CANCELLED, reason)
        return len(live)


def _may_trade(user: User, sym: Symbol) -> str | None:
    """Why `user` may not trade `sym` now (symbol inactive, user suspended, session
    closed), or None."""
    if not sym.active:
        return f"symbol {sym.name} is inactive"
    if user.status != ACTIVE_USER:
        return f"user {user.name} is suspended"
    if not sym.open:
        return f"session for {sym.name} is closed"
    return None


def _qty_rule(sym: Symbol, qty: int) -> str | None:
    """Why `qty` is not a quantity `sym` accepts (off the step, below min, above max)."""
    if qty % sym.step:
        return f"qty {fmt(qty)} is not a multiple of the step {fmt(sym.step)}"
    if qty < sym.min_qty:
        return f"qty {fmt(qty)} is below the minimum {fmt(sym.min_qty)}"
    if sym.max_qty is not None and qty > sym.max_qty:
        return f"qty {fmt(qty)} is above the maximum {fmt(sym.max_qty)}"
    return None


def _best(book):
    if not book:
        return None
    return book.peekitem(0)[1].price


def _oid(o: Order) -> int:
    return o.oid
