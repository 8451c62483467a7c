"""What a detector reports: the pattern, who, where, when, the evidence and the scores."""
from dataclasses import dataclass, field

CRITICAL, WARNING = "critical", "warning"


@dataclass
class Alert:
    """One detection. `users` are the accounts involved (for wash trading, every account of
    the beneficial owner); `first_seq`..`last_seq` and `first_ts`..`last_ts` (ns) bound the
    journal entries that make up the evidence; `orders` are order ids (the journal seq that
    placed them), `trades` trade ids, `logins` gateway audit ids; `scores` hold each measured
    figure that crossed its threshold, beside the threshold itself."""
    rule: str
    severity: str
    users: tuple[str, ...]
    symbol: str | None
    first_seq: int
    last_seq: int
    first_ts: int
    last_ts: int
    text: str
    orders: tuple[int, ...] = ()
    trades: tuple[int, ...] = ()
    logins: tuple[int, ...] = ()
    scores: dict = field(default_factory=dict)

    @property
    def subject(self) -> str:
        """The case key: the same rule on the same accounts and symbol extends one case."""
        return f"{self.rule}|{','.join(self.users)}|{self.symbol or ''}"

    def to_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "users": list(self.users),
                "symbol": self.symbol, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "first_ts": self.first_ts, "last_ts": self.last_ts, "text": self.text,
                "orders": list(self.orders), "trades": list(self.trades),
                "logins": list(self.logins), "scores": self.scores}
