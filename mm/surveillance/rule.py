"""The base of every detector: its parameters, their current values, and a cool-down so
one ongoing pattern raises one alert per window rather than one per entry."""
from .alert import Alert
from .context import Context
from .entries import Entry
from .params import Param, seconds_ns


class Detector:
    """A market-abuse pattern. Subclasses set `rule` (its name), `pattern` (what it looks
    for), `source` (where that definition comes from), `PARAMS`, and implement `feed`, which
    takes one journal Entry and the shared Context and returns the alerts it completes.
    All state lives in plain containers (dicts, lists, deques of tuples) trimmed to the
    detector's window, so memory stays bounded and a snapshot restores exactly."""
    rule = ""
    pattern = ""
    source = ""
    PARAMS: tuple[Param, ...] = ()
    # The entries `feed` acts on, so the monitor calls it for those alone: their ops (None:
    # every entry), and also any entry with trades, with closed orders, or refused.
    OPS: frozenset | None = None
    ON_TRADES = ON_CLOSES = ON_REFUSED = False

    def __init__(self) -> None:
        self.p = {param.name: param.default for param in self.PARAMS}
        self._ns: dict = {}             # seconds parameters in ns, computed once per value
        self.quiet_until: dict = {}     # subject -> ts before which it does not alert again
        self.trimmed = 0                # the entry at which old state was last dropped

    def wants(self, op: str, trades: bool, closes: bool, refused: bool) -> bool:
        """Whether `feed` acts on an entry of this kind."""
        return (self.OPS is None or op in self.OPS or (trades and self.ON_TRADES)
                or (closes and self.ON_CLOSES) or (refused and self.ON_REFUSED))

    def trim_due(self, seq: int, every: int = 1000) -> bool:
        """True once every `every` entries: time to drop state older than the window."""
        if seq - self.trimmed < every:
            return False
        self.trimmed = seq
        return True

    def watch(self, ctx) -> None:
        """Tell the shared Context how far back this rule looks (when its parameters are
        set); most rules need nothing."""

    def param(self, name: str) -> Param:
        for param in self.PARAMS:
            if param.name == name:
                return param
        names = ", ".join(p.name for p in self.PARAMS)
        raise ValueError(f"rule {self.rule} has no parameter {name!r} (it has: {names})")

    def set(self, name: str, text: str) -> None:
        self.p[name] = self.param(name).parse(self.rule, text)
        self._ns = {}

    def ns(self, name: str) -> int:
        value = self._ns.get(name)
        if value is None:
            value = self._ns[name] = seconds_ns(self.p[name])
        return value

    def feed(self, e: Entry, ctx: Context) -> list[Alert]:
        raise NotImplementedError

    def fire(self, key, ts: int, quiet_ns: int) -> bool:
        """True when `key` may alert at `ts`; then it stays quiet for `quiet_ns`."""
        until = self.quiet_until.get(key)
        if until is not None and ts < until:
            return False
        self.quiet_until[key] = ts + quiet_ns
        if len(self.quiet_until) > 10_000:
            self.quiet_until = {k: v for k, v in self.quiet_until.items() if v > ts}
        return True

    def state(self) -> dict:
        """Everything but the parameters, for a snapshot."""
        return {k: v for k, v in self.__dict__.items() if k not in ("p", "_ns")}

    def restore(self, state: dict) -> None:
        self.__dict__.update(state)
        self._ns = {}
