"""Every detector over one stream of journal entries, with the configuration the journal
itself carries (rule parameters set and accounts linked by an admin, as `audit` entries),
so any two readers of the same entries, online or offline, raise the same alerts.

State is plain containers; `snapshot()` is that state as bytes and `restore()` reads it
back through an unpickler that admits only builtins and deque (the pattern of the Python
docs' "Restricting Globals"), so a stored snapshot can never name code to run."""
import io
import pickle
import zlib
from collections import deque

from .abnormal import AbnormalVolume, MarkingClose
from .access import LoginEvent, UnauthorisedAccess
from .alert import Alert
from .circular import CircularTrading
from .context import Context
from .entries import Entry
from .laundering import InAndOut, Structuring
from .rapid_fire import RapidFire
from .spoofing import Layering, Spoofing
from .wash import WashTrading

DETECTORS = (WashTrading, CircularTrading, Spoofing, Layering, RapidFire, AbnormalVolume,
             MarkingClose, Structuring, InAndOut, UnauthorisedAccess)
RULES = tuple(d.rule for d in DETECTORS)

SET, LINK = "surveil_set", "surveil_link"     # audit actions that configure surveillance


def detector_class(rule: str):
    for d in DETECTORS:
        if d.rule == rule:
            return d
    raise ValueError(f"unknown rule {rule!r}; rules: {', '.join(RULES)}")


def parse_setting(text: str, typed: bool = False) -> tuple[str, str, str]:
    """'RULE.key=value' to (rule, key, value), checked (`typed`: as a person's input, see
    Param.parse). Raises ValueError."""
    target, eq, value = text.partition("=")
    rule, dot, key = target.partition(".")
    if not eq or not dot:
        raise ValueError(f"expected RULE.key=value, got {text!r}")
    detector_class(rule)().param(key).parse(rule, value, typed)
    return rule, key, value


class Surveillance:
    def __init__(self) -> None:
        self.ctx = Context()
        self.detectors = {d.rule: d() for d in DETECTORS}
        self.seq = 0              # the last entry seen
        self._routes: dict = {}   # (op, trades?, closes?, refused?) -> detectors that act on it
        self._watch()

    def feed(self, e: Entry) -> list[Alert]:
        """One journal entry, in journal order; returns the alerts it completes. Only the
        detectors that act on this kind of entry see it (Detector.wants)."""
        self.seq = e.seq
        if e.op == "audit" and e.accepted:
            self.configure(e.body["action"], e.body["subject"])
            return []
        ctx = self.ctx
        ctx.before(e)
        kind = (e.op, bool(e.trades), bool(e.closes), e.status != "accepted")
        route = self._routes.get(kind)
        if route is None:
            route = self._routes[kind] = [d for d in self.detectors.values() if d.wants(*kind)]
        out = []
        for d in route:
            found = d.feed(e, ctx)
            if found:
                out += found
        ctx.after(e)
        return out

    def _watch(self) -> None:
        for d in self.detectors.values():
            d.watch(self.ctx)

    def login(self, ev: LoginEvent) -> list[Alert]:
        return self.detectors[UnauthorisedAccess.rule].login(ev)

    def configure(self, action: str, subject: str) -> None:
        """Apply a surveillance audit entry: `surveil_set` 'RULE.key=value' or
        `surveil_link` 'a,b'. Other audit actions (case decisions) change nothing here."""
        if action == SET:
            rule, key, value = parse_setting(subject)
            self.detectors[rule].set(key, value)
            self._watch()
        elif action == LINK:
            a, _, b = subject.partition(",")
            self.ctx.link(a, b)

    def settings(self) -> dict:
        """rule -> {param: value} as they stand."""
        return {rule: dict(d.p) for rule, d in self.detectors.items()}

    # ------------------------------------------------------------ snapshots
    def snapshot(self) -> bytes:
        state = {"seq": self.seq, "ctx": dict(self.ctx.__dict__, orders=[
            (o.oid, o.user, o.symbol, o.side, o.price, o.qty, o.ts, o.filled)
            for o in self.ctx.orders.values()]),
            "rules": {r: (d.p, d.state()) for r, d in self.detectors.items()}}
        return zlib.compress(pickle.dumps(state, protocol=5), 1)

    @classmethod
    def restore(cls, blob: bytes) -> "Surveillance":
        from .context import OrderInfo
        state = _SafeUnpickler(io.BytesIO(zlib.decompress(blob))).load()
        s = cls()
        s.seq = state["seq"]
        ctx = state["ctx"]
        orders = ctx.pop("orders")
        s.ctx.__dict__.update(ctx)
        s.ctx.orders.clear()
        for row in orders:
            s.ctx.orders[row[0]] = OrderInfo(*row)
        for rule, (params, st) in state["rules"].items():
            if rule in s.detectors:
                s.detectors[rule].p.update(params)
                s.detectors[rule].restore(st)
        return s


class _SafeUnpickler(pickle.Unpickler):
    _ALLOWED = {("collections", "deque"), ("collections", "OrderedDict"), ("builtins", "set"),
                ("builtins", "frozenset"), ("builtins", "dict"), ("builtins", "list"),
                ("builtins", "tuple")}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return deque if name == "deque" else super().find_class(module, name)
        raise pickle.UnpicklingError(f"surveillance state may not hold {module}.{name}")
