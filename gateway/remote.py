"""souq.db.api over the network: the CLI's `--server URL --key CLIENT_ID` mode.

RemoteApi answers the same calls as db.api.Api (reads as row dicts of the projections'
shape, `execute` of stream-shaped commands returning a Result), so every CLI command that
works through the API prints the same text and --json shapes locally and remotely. The
server decides every permission; a refusal comes back as its one-sentence detail.
"""
from datetime import datetime, timezone

from souq.db.api import AccessDenied, Api, Result
from souq.engine.admission import unknown_order

from .client import ApiError, SouqClient


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class RemoteApi(Api):
    def __init__(self, url: str, client_id: str, secret: str) -> None:
        self.url = url
        self.client = SouqClient(url, client_id, secret)
        me = self._call(self.client.me)
        self.actor = me["user_id"]
        self._role = me["role"]
        self._store = None
        self._engine = None

    # ------------------------------------------------------------- plumbing
    @property
    def store(self):
        raise ValueError("this command works on a local database only; drop --server")

    @property
    def db(self):
        raise ValueError("this command works on a local database only; drop --server")

    def close(self) -> None:
        self.client.close()

    def role(self) -> str | None:
        return self._role

    @staticmethod
    def _call(fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except ApiError as exc:
            if exc.status in (401, 403):
                raise AccessDenied(exc.detail) from None
            raise ValueError(exc.detail) from None

    # ------------------------------------------------------------- reads
    def orders(self, *, user=None, status=None, symbol=None, limit=None):
        return [_order_row(o) for o in self._call(self.client.orders, symbol=symbol,
                                                  status=status, user_id=user, limit=limit)]

    def trades(self, *, user=None, symbol=None, limit=None):
        return [_trade_row(t) for t in self._call(self.client.trades, symbol=symbol,
                                                  user_id=user, limit=limit)]

    def wallets(self, *, user=None):
        return [{"user": w["user_id"], "asset": w["asset"], "balance": w["balance"],
                 "hold": w["hold"], "available": w["available"]}
                for w in self._call(self.client.wallets, user)]

    def ledger(self, *, user=None, asset=None, limit=None):
        return [{"id": int(e["entry_id"]), "seq": int(e["transaction_id"]), "kind": e["kind"],
                 "asset": e["asset"], "from_user": e["from_user"], "from_bucket": e["from_bucket"],
                 "to_user": e["to_user"], "to_bucket": e["to_bucket"], "amount": e["amount"],
                 "ref": None if e["ref"] is None else int(e["ref"])}
                for e in self._call(self.client.ledger, user_id=user, asset=asset, limit=limit)]

    def book(self, symbol: str, depth: int = 10):
        b = self._call(self.client.book, symbol, depth)
        side = lambda levels: [{"price": x["price"], "qty": x["quantity"], "orders": x["orders"]}
                               for x in levels]
        return {"symbol": b["symbol"], "bids": side(b["bids"]), "asks": side(b["asks"])}

    def symbols(self):
        return [_symbol_row(s) for s in self._call(self.client.symbols)]

    def symbol(self, name: str):
        return next((s for s in self.symbols() if s["name"] == name), None)

    def sessions(self, name: str):
        return [{"symbol": s["symbol"], "opened_at": s["opened_at"], "closed_at": s["closed_at"],
                 "opening_price": s["opening_price"], "maker_fee": s["maker_fee"],
                 "taker_fee": s["taker_fee"]} for s in self._call(self.client.sessions, name)]

    def visible_user(self, user: str | None) -> str | None:
        """The server applies the read rule itself: any filter is passed on."""
        return user

    def has_user(self, name: str) -> bool:
        """The server refuses an unknown user itself (a 404): assume it known here."""
        return True

    def users(self):
        return [{"name": u["user_id"], "role": u["role"], "status": u["status"]}
                for u in self._call(self.client.users)]

    # ------------------------------------------------------------- writes
    def execute(self, obj: dict) -> Result:
        op = obj.get("op")
        handler = _WRITES.get(op)
        if handler is None:
            raise ValueError(f"{op!r} commands are not offered over --server; run them "
                             "on the server's database")
        user = obj.get("user")
        if op in _ORDER_OPS + ("cancel", "cancel_all") and user != self.actor:
            raise AccessDenied(f"{self.actor} may not act for {user}")
        return handler(self, obj)

    def admit(self, obj: dict) -> None:
        """Nothing here: the server refuses at its own edge (engine.admission)."""

    def execute_many(self, objs):
        raise ValueError("batches work on a local database only; drop --server")

    def _place(self, obj: dict) -> Result:
        try:
            o = self.client.place_order(
                obj["symbol"], obj["side"], obj["qty"], price=obj.get("price"), type=obj["op"],
                stop_price=obj.get("stop_price"), time_in_force=obj.get("tif"),
                stp=obj.get("stp"), client_order_id=obj.get("id"))
        except ApiError as exc:
            if "order" not in exc.body:
                self._call(_raise, exc)
            o = exc.body["order"]
        seq = int(o["order_id"])
        return Result(seq, o["reason"] if o["status"] == "rejected" else None, [],
                      {seq: _order_dict(o)}, [_trade_record(t) for t in o["trades"]])

    def order_number(self, user: str, number: int) -> dict | None:
        try:
            o = self.client.order(str(number))
        except ApiError as exc:
            if exc.status == 404:
                return None
            self._call(_raise, exc)
        return _order_row(o) if o["user_id"] == user else None

    def _cancel(self, obj: dict) -> Result:
        cid = obj["id"]
        mine = [o for o in self._call(self.client.orders) if o["client_order_id"] == cid]
        if not mine:     # refused at the edge, as locally (engine.admission)
            raise ValueError(unknown_order(cid, self.actor))
        try:
            o = self.client.cancel_order(mine[-1]["order_id"])
        except ApiError as exc:
            return Result(0, exc.body.get("reason", exc.detail), [], {}, [])
        return Result(int(o["order_id"]), None, [], {int(o["order_id"]): _order_dict(o)}, [])

    def _cancel_all(self, obj: dict) -> Result:
        done = self._call(self.client.cancel_all, obj.get("symbol"))
        return Result(0, None, [], {int(o["order_id"]): _order_dict(o) for o in done["orders"]}, [])

    def _move(self, obj: dict) -> Result:
        fn = self.client.deposit if obj["op"] == "deposit" else self.client.withdraw
        return self._admin(fn, f"{obj['user']}:{obj['asset']}", obj["amount"],
                           seq=lambda r: int(r["transaction_id"]))

    def _user(self, obj: dict) -> Result:
        return self._admin(self.client.create_user, obj["user"], obj.get("role", "trader"))

    def _user_status(self, obj: dict) -> Result:
        fn = self.client.suspend if obj["status"] == "suspended" else self.client.reinstate
        return self._admin(fn, obj["user"])

    def _admin(self, fn, *args, seq=lambda r: 0) -> Result:
        try:
            r = fn(*args)
        except ApiError as exc:
            if "reason" in exc.body:       # the exchange refused: as the CLI words it
                return Result(0, exc.body["reason"], [], {}, [])
            if exc.status == 403 and exc.detail.startswith("only an admin"):
                return Result(0, exc.detail, [], {}, [])   # the engine's words, as locally
            self._call(_raise, exc)
        return Result(seq(r), None, [], {}, [])


def _raise(exc):
    raise exc


_ORDER_OPS = ("limit", "market", "stop_limit", "stop_market")
_WRITES = {**{op: RemoteApi._place for op in _ORDER_OPS}, "cancel": RemoteApi._cancel,
           "cancel_all": RemoteApi._cancel_all, "deposit": RemoteApi._move,
           "withdraw": RemoteApi._move, "user": RemoteApi._user,
           "user_status": RemoteApi._user_status}


def _order_dict(o: dict) -> dict:
    """An OrderOut as cli.orders' order dict (the order_row shape)."""
    return {"id": int(o["order_id"]), "user": o["user_id"], "client_id": o["client_order_id"],
            "symbol": o["symbol"], "side": o["side"], "type": o["type"],
            "tif": o["time_in_force"], "stp": o["stp"], "price": o["price"],
            "stop_price": o["stop_price"], "qty": o["quantity"], "filled": o["filled"],
            "cost": o["cost"], "status": o["status"], "reason": o["reason"], "hold": o["hold"]}


def _order_row(o: dict) -> dict:
    """An OrderOut as a db.queries order row, with "placed_ts" (ns) from its created_at
    (what the workstation's Orders pane shows as the order's time)."""
    return {**_order_dict(o), "avg_price": o["avg_price"],
            "placed_ts": None if o.get("created_at") is None else iso_ns(o["created_at"])}


def iso_ns(text: str) -> int:
    """An ISO-8601 UTC time of the API ("...Z", microseconds) as ns since the epoch."""
    d = datetime.fromisoformat(text.replace("Z", "+00:00")) - EPOCH
    return ((d.days * 86_400 + d.seconds) * 1_000_000 + d.microseconds) * 1_000


def _trade_row(t: dict) -> dict:
    """A TradeOut as a trades-table row (what db.queries.trade_shape reads)."""
    return {"id": int(t["trade_id"]), "symbol": t["symbol"], "price": t["price"],
            "qty": t["quantity"], "maker_cid": t["maker_order"], "taker_cid": t["taker_order"],
            "maker_user": t["maker_user"], "taker_user": t["taker_user"],
            "maker_fee": t["maker_fee"], "taker_fee": t["taker_fee"]}


def _trade_record(t: dict) -> dict:
    from souq.db.queries import trade_shape
    return trade_shape(_trade_row(t))


def _symbol_row(s: dict) -> dict:
    return {"name": s["symbol"], **{k: v for k, v in s.items() if k != "symbol"}}
