"""What the venues reached from outside share (RemoteVenue: a souq gateway; CcxtVenue: a
ccxt exchange): commands go out one by one in the order-stream shape, a CancelAll cancels
the open orders the venue knows, and an amend, which neither has, is a cancel and a new
order for the rest (at the back of the queue, as the engine's amend of a price would be)
under the client id `CID~N`, while the runner keeps knowing the order as CID.

A subclass keeps `self.open` (runner cid -> its record of the order) and `self.amended`
(cid -> re-placements so far), names `unreachable` and `refused` (exception classes) and
`where` (the venue, for messages), and implements `_limit`, `_cancel_order`,
`_order_symbol`, `_order_parts` and `_refusal`.
"""
from souq.engine.numbers import PRICE_DP, fmt, parse_fixed

from .ports import CancelAll, Venue, stream_command


class RelayVenue(Venue):
    unreachable: tuple[type[BaseException], ...] = (ConnectionError,)
    refused: type[BaseException] = Exception

    @property
    def where(self) -> str:
        raise NotImplementedError

    def submit(self, cmds, user, now=None):
        """Each command in turn; the refusal reason per command (None when accepted)."""
        reasons = []
        for cmd in cmds:
            try:
                if type(cmd) is CancelAll:
                    reasons.append(self._cancel_all(cmd))
                    continue
                obj = stream_command(cmd, user)
                reasons.append(getattr(self, "_" + obj["op"])(obj))
            except self.unreachable as exc:
                reasons.append(f"the venue {self.where} cannot be reached: {exc}")
            except self.refused as exc:
                reasons.append(self._refusal(exc))
        return reasons

    # ---------------------------------------------------------------- what subclasses say
    def _limit(self, cmd: dict, remote_cid: str | None = None) -> str | None:
        """Place the order-stream limit `cmd` under `remote_cid` (default its own id)."""
        raise NotImplementedError

    def _cancel_order(self, o) -> None:
        """Cancel the venue's order behind the record `o`."""
        raise NotImplementedError

    def _order_symbol(self, o) -> str:
        """The desk's name of the symbol of the record `o`."""
        raise NotImplementedError

    def _order_parts(self, o) -> tuple[str, int, int, int, str | None]:
        """(side, price, qty, filled, stp) of the record `o`; 1e-9 units."""
        raise NotImplementedError

    def _refusal(self, exc: BaseException) -> str:
        """The one-line reason of a refusal."""
        raise NotImplementedError

    # ---------------------------------------------------------------- shared commands
    def _cancel_all(self, cmd: CancelAll) -> None:
        for cid, o in list(self.open.items()):
            if cmd.symbol is None or self._order_symbol(o) == cmd.symbol:
                self._cancel_order(o)
                del self.open[cid]
        return None

    def _cancel(self, cmd: dict) -> str | None:
        o = self.open.pop(cmd["id"], None)
        if o is None:
            return f"no open order {cmd['id']!r}"
        self._cancel_order(o)
        return None

    def _amend(self, cmd: dict) -> str | None:
        o = self.open.get(cmd["id"])
        if o is None:
            return f"no open order {cmd['id']!r}"
        side, price, qty, filled, stp = self._order_parts(o)
        rest = (parse_fixed(cmd["qty"], PRICE_DP, "qty", positive=False) if "qty" in cmd
                else qty) - filled
        self._cancel_order(o)
        del self.open[cmd["id"]]
        if rest <= 0:
            return None
        n = self.amended[cmd["id"]] = self.amended.get(cmd["id"], 0) + 1
        return self._limit({"id": cmd["id"], "symbol": self._order_symbol(o), "side": side,
                            "qty": fmt(rest), "price": cmd.get("price") or fmt(price),
                            "stp": stp, "tif": None}, f"{cmd['id']}~{n}")
