"""`souq surveil eval`: honest simulated flow plus planted bad actors, through a real
database and the same journal reader as the follower, scored against the actors' labels.

Per rule: precision = alerts that match a planted episode / alerts; recall = planted
episodes matched by at least one alert of that rule / planted episodes labelled with it.
An alert matches an episode when the episode is labelled with the alert's rule, they share
an account, and the alert's evidence window overlaps the episode (with `SLACK_NS` either
side, as detectors finish a pattern when its last order or trade arrives). An episode the
run ended in the middle of (its last command was due after the end) was never played out:
an alert on it is a true alert, but it is not counted among the episodes to find. Every alert
that matches no episode is a false alert; they are counted per 10,000 honest orders
(order commands of users who are not bad actors)."""
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from souq.db.api import Api
from souq.db.store import connect
from souq.mm.desk.demo_configs import build as build_demo
from souq.mm.scenarios import ShockedDriver, scenario
from souq.mm.sim import ApiDriver, run_fast
from souq.mm.sim.bad_actors import MixedDriver, actors

from .entries import ORDER_OPS
from .follower import scan
from .monitor import RULES

T0 = 1_767_225_600 * 10**9     # 2026-01-01T00:00Z: simulated time starts here
SLACK_NS = 5 * 10**9


@dataclass
class Score:
    alerts: int = 0
    matched: int = 0
    episodes: int = 0
    found: int = 0

    @property
    def precision(self) -> float | None:
        return self.matched / self.alerts if self.alerts else None

    @property
    def recall(self) -> float | None:
        return self.found / self.episodes if self.episodes else None


@dataclass
class Evaluation:
    scenario: str
    seeds: int
    duration: float
    rate: float
    honest_orders: int = 0
    false_alerts: int = 0
    rules: dict = field(default_factory=lambda: {r: Score() for r in RULES})
    false_examples: list = field(default_factory=list)

    @property
    def false_per_10k(self) -> float:
        return self.false_alerts * 10_000 / self.honest_orders if self.honest_orders else 0.0

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "seeds": self.seeds, "duration": self.duration,
                "rate": self.rate, "honest_orders": self.honest_orders,
                "false_alerts": self.false_alerts, "false_per_10k": round(self.false_per_10k, 3),
                "rules": {r: {"alerts": s.alerts, "matched": s.matched, "episodes": s.episodes,
                              "found": s.found, "precision": s.precision, "recall": s.recall}
                          for r, s in self.rules.items()}}


def run_seed(name: str, seed: int, duration: float, rate: float, bad_names, workdir: Path):
    """One seed: (alerts, labels, honest order count)."""
    url = str(workdir / f"eval-{name}-{seed}.db")
    api = Api(url, clock=lambda: T0)
    try:
        build_demo(api)
        params, shocks = scenario(name).build(seed)
        bad = actors(bad_names, rate, seed)
        # journal times are simulated times from T0 (ApiDriver's epoch), as in `souq sim`
        driver = MixedDriver(ShockedDriver(ApiDriver(api, params, seed, epoch=T0), shocks), bad,
                             thin=lambda p: ApiDriver(api, p, seed + 10_000, epoch=T0))
        run_fast(driver, duration)
        labels = driver.labels()
        bad_users = {u for a in bad for u in a.users}
        alerts = scan(api.db)
        honest = _honest_orders(api.db, bad_users)
    finally:
        api.close()
    end = int(duration * 10**9)
    for lab in labels:
        lab["episodes"] = [[T0 + s, T0 + e, e <= end] for s, e in lab["episodes"]]
    return alerts, labels, honest


def _honest_orders(engine, bad_users) -> int:
    from sqlalchemy import select
    from souq.db import schema as S
    import orjson
    n = 0
    with engine.connect() as conn:
        for op, body in conn.execute(select(S.Journal.op, S.Journal.body)):
            if op in ORDER_OPS and orjson.loads(body)["user"] not in bad_users:
                n += 1
    return n


def evaluate(name: str, seeds: int, *, duration: float = 120.0, rate: float = 2.0,
             bad_names=("all",), on_seed=None) -> Evaluation:
    """Seeds 1..`seeds` of scenario `name` with the bad actors at `rate` episodes a minute."""
    scenario(name)
    actors(bad_names, rate, 0)
    ev = Evaluation(name, seeds, duration, rate)
    with tempfile.TemporaryDirectory(prefix="souq-eval-") as tmp:
        for seed in range(1, seeds + 1):
            alerts, labels, honest = run_seed(name, seed, duration, rate, bad_names, Path(tmp))
            _score(ev, alerts, labels)
            ev.honest_orders += honest
            if on_seed is not None:
                on_seed(seed)
    return ev


def _score(ev: Evaluation, alerts, labels) -> None:
    episodes = [(set(lab["users"]), set(lab["rules"]), s, e, complete)
                for lab in labels for s, e, complete in lab["episodes"]]
    found = set()
    for a in alerts:
        score = ev.rules[a.rule]
        score.alerts += 1
        hits = [i for i, (users, rules, s, e, _complete) in enumerate(episodes)
                if a.rule in rules and users & set(a.users)
                and a.first_ts <= e + SLACK_NS and a.last_ts >= s - SLACK_NS]
        if hits:
            score.matched += 1
            found.update((i, a.rule) for i in hits)
        else:
            ev.false_alerts += 1
            if len(ev.false_examples) < 20:
                ev.false_examples.append(f"{a.rule} {','.join(a.users)} {a.text}")
    for i, (_users, rules, _s, _e, complete) in enumerate(episodes):
        for rule in rules if complete else ():
            ev.rules[rule].episodes += 1
            ev.rules[rule].found += (i, rule) in found
