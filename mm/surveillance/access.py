"""Unauthorised access: someone trying what they may not, or acting while suspended.

Source: OWASP Authentication Cheat Sheet and NIST SP 800-63B s.5.2.2 (throttling repeated
failed authentication); ISO/IEC 27001 A.8.16 (monitoring activities). Inputs:

- the journal's rejected commands: an actor refused for permissions ("may not act for",
  "only an admin may", an unknown acting user) `min_failures` times within `window`
  seconds, or any command refused because its user is suspended (a key used after its
  user was suspended);
- login events from an access source (the gateway's audit log, when one exists):
  `min_failures` failed logins for one client id within `window`, and a successful login
  from an address that client never used before (`new_address` = 1 turns that on).
Sources are pluggable: anything that yields LoginEvent values can feed `login`.
"""
from collections import deque
from dataclasses import dataclass

from .alert import CRITICAL, WARNING, Alert
from ..display import number
from .params import Param
from .rule import Detector

DENIED = ("may not act for", "only an admin may", "unknown user")
SUSPENDED = "is suspended"


@dataclass(frozen=True, slots=True)
class LoginEvent:
    """One authentication attempt as an access source reports it (ts in ns)."""
    id: int
    ts: int
    client: str
    address: str
    ok: bool
    user: str | None = None


class UnauthorisedAccess(Detector):
    rule = "unauthorised_access"
    pattern = "repeated permission failures, use after suspension, failed or new-address logins"
    source = "NIST SP 800-63B s.5.2.2; OWASP Authentication Cheat Sheet; ISO/IEC 27001 A.8.16"
    OPS, ON_REFUSED = frozenset(), True
    PARAMS = (
        Param("window", "seconds", 300.0, "span failures are counted over", 1, 10**7),
        Param("min_failures", "count", 5, "refusals or failed logins that alert", 1, 10**6),
        Param("new_address", "count", 1, "1: alert on a login from a new address, 0: do not", 0, 1),
    )

    def __init__(self) -> None:
        super().__init__()
        self.failures: dict = {}     # actor or client -> deque[(ts, seq or login id)]
        self.addresses: dict = {}    # client -> set of addresses seen

    def feed(self, e, ctx):
        if e.accepted or not e.reason:
            return []
        actor = e.actor
        if SUSPENDED in e.reason and e.body.get("user", actor) == actor:
            if self.fire((actor, "suspended"), e.ts, self.ns("window")):
                return [Alert(self.rule, CRITICAL, (actor,), e.body.get("symbol"), e.seq, e.seq,
                              e.ts, e.ts, f"{actor} acted while suspended: {e.op} refused",
                              orders=(e.seq,) if "side" in e.body else (),
                              scores={"after_suspension": 1})]
            return []
        if not any(d in e.reason for d in DENIED):
            return []
        return self._count(actor, e.ts, e.seq, f"{actor} refused for permissions", ())

    def login(self, ev: LoginEvent) -> list[Alert]:
        """One login attempt from an access source."""
        if ev.ok:
            seen = self.addresses.setdefault(ev.client, set())
            fresh = bool(seen) and ev.address not in seen
            seen.add(ev.address)
            if fresh and self.p["new_address"]:
                return [Alert(self.rule, WARNING, (ev.user or ev.client,), None, 0, 0, ev.ts, ev.ts,
                              f"login for {ev.client} from a new address {ev.address}",
                              logins=(ev.id,), scores={"new_address": 1})]
            return []
        return self._count(ev.client, ev.ts, ev.id, f"failed logins for {ev.client}", (ev.id,))

    def _count(self, who, ts, ref, text, logins):
        q = self.failures.setdefault(who, deque())
        q.append((ts, ref))
        while q[0][0] < ts - self.ns("window"):
            q.popleft()
        if len(self.failures) > 100_000:
            self.failures = {k: v for k, v in self.failures.items() if v[-1][0] >= ts - self.ns("window")}
        if len(q) < self.p["min_failures"] or not self.fire((who, "failures"), ts, self.ns("window")):
            return []
        refs = tuple(r for _, r in q)
        return [Alert(self.rule, CRITICAL, (who,), None, 0 if logins else refs[0],
                      0 if logins else refs[-1], q[0][0], ts, f"{len(q)} {text} in "
                      f"{number(self.p['window'])} s", logins=refs if logins else (),
                      scores={"failures": len(q), "min_failures": self.p["min_failures"]})]
