"""`souq surveil`: the online follower, offline scans, rules and their parameters, account
links, and the detectors' evaluation against planted bad actors. Admin only."""
import time
from typing import Optional

import typer

from souq.mm.display import count, number

from .context import admin_api, fail, guarded, out, print_json, rejected

surveil_app = typer.Typer(help="Market surveillance (admin): follow the journal, scan it, "
                               "set rules.", invoke_without_command=True)


def register(app: typer.Typer) -> None:
    app.add_typer(surveil_app, name="surveil")


def _line(a) -> str:
    users = ",".join(a.users)
    return f"{a.rule} [{a.severity}] {users} {a.symbol or '-'} seq {a.first_seq}-{a.last_seq}: {a.text}"


@surveil_app.callback()
def follow(ctx: typer.Context,
           once: bool = typer.Option(False, "--once", help="Process what is there now and stop."),
           name: str = typer.Option("follower", "--name", help="The cursor's name.")) -> None:
    """Follow the journal as it grows, opening and extending cases; resumes where it
    stopped. Ctrl+C stops it."""
    if ctx.invoked_subcommand is not None:
        return
    from souq.mm.surveillance.follower import Follower
    with guarded():
        api = admin_api("use surveillance")
        follower = Follower(api.db, name)
        out.print(f"following from journal entry {follower.seq + 1}")

        def show(p) -> None:
            for a, case_id in zip(p.alerts, p.cases):
                out.print(f"case {case_id}: {_line(a)}", markup=False, soft_wrap=True)
        try:
            if once:
                while True:
                    p = follower.poll()
                    show(p)
                    if not p.entries:
                        break
            else:
                follower.run(should_stop=lambda: False, sleep=time.sleep, on_progress=show)
        except KeyboardInterrupt:
            pass
        out.print(f"processed to journal entry {follower.seq}")


@surveil_app.command("scan")
def scan(start: int = typer.Option(1, "--from", help="First journal entry (seq)."),
         end: Optional[int] = typer.Option(None, "--to", help="Last journal entry (seq)."),
         json: bool = typer.Option(False, "--json")) -> None:
    """The alerts over a part of the journal, without touching cases or the cursor."""
    from souq.mm.surveillance.follower import scan as run_scan
    with guarded():
        if start < 1 or (end is not None and end < start):
            fail(f"--from must be at least 1 and --to at least --from (got {start}..{end})")
        alerts = run_scan(admin_api("use surveillance").db, start, end)
        if json:
            print_json([a.to_dict() for a in alerts])
            return
        for a in alerts:
            out.print(_line(a), markup=False, soft_wrap=True)
        out.print(count(len(alerts), "alert"))


@surveil_app.command("rules")
def rules(json: bool = typer.Option(False, "--json")) -> None:
    """The detectors, what they look for, where the definition comes from, and their
    parameters as set in the journal."""
    from souq.mm.surveillance.follower import configured
    from souq.mm.surveillance.monitor import DETECTORS
    from souq.db.surveil import last_seq
    with guarded():
        api = admin_api("use surveillance")
        with api.db.connect() as conn:
            s = configured(conn, last_seq(conn))
        if json:
            print_json({d.rule: {"pattern": d.pattern, "source": d.source, "params": {
                p.name: {"value": s.detectors[d.rule].p[p.name], "unit": p.unit, "default": p.default,
                         "min": p.lo, "max": p.hi if p.hi != float("inf") else None, "help": p.help}
                for p in d.PARAMS}} for d in DETECTORS})
            return
        for d in DETECTORS:
            out.print(f"{d.rule}: {d.pattern} ({d.source})", markup=False, soft_wrap=True)
            for p in d.PARAMS:
                value = s.detectors[d.rule].p[p.name]
                out.print(f"  {p.name} = {p.show(value)} {p.unit}  ({p.help})", markup=False,
                          soft_wrap=True)


@surveil_app.command("set")
def set_param(rule: str, setting: str = typer.Argument(..., metavar="KEY=VALUE"),
              note: str = typer.Option("", "--note", help="Why (kept in the journal).")) -> None:
    """Set one rule parameter; the change is journalled, so the follower and scans apply
    it from that entry on."""
    from souq.mm.surveillance.monitor import SET, parse_setting
    with guarded():
        api = admin_api("use surveillance")
        r, key, value = parse_setting(f"{rule}.{setting}", typed=True)
        res = api.execute({"op": "audit", "action": SET, "subject": f"{r}.{key}={value.strip()}",
                           "note": note})
        if res.reason:
            rejected("set", res.reason)
        from souq.mm.display import grouped_text
        out.print(f"{r}.{key} = {grouped_text(value.strip())} (seq {res.seq})", markup=False)


@surveil_app.command("link")
def link(a: str, b: str, note: str = typer.Option("", "--note")) -> None:
    """Record that accounts A and B have one beneficial owner (wash trading sees them as one)."""
    from souq.mm.surveillance.monitor import LINK
    with guarded():
        api = admin_api("use surveillance")
        users = {u["name"] for u in api.users()}
        for u in (a, b):
            if u not in users:
                fail(f"unknown user {u!r}")
        if a == b:
            fail("link two different accounts")
        res = api.execute({"op": "audit", "action": LINK, "subject": f"{a},{b}", "note": note})
        if res.reason:
            rejected("link", res.reason)
        out.print(f"{a} and {b} linked as one owner (seq {res.seq})")


@surveil_app.command("eval")
def evaluate(scenario: str = typer.Option("normal", "--scenario"),
             seeds: int = typer.Option(3, "--seeds", min=1, max=1000),
             duration: float = typer.Option(120.0, "--duration", min=10, max=86_400,
                                            help="Simulated seconds per seed."),
             rate: float = typer.Option(2.0, "--rate", min=0.1, max=60,
                                        help="Episodes per minute for each bad actor."),
             bad: list[str] = typer.Option(["all"], "--bad", help="Bad actors (repeatable)."),
             json: bool = typer.Option(False, "--json")) -> None:
    """Honest flow plus planted bad actors, scored per detector: precision, recall and
    false alerts per 10,000 honest orders."""
    from souq.mm.surveillance.evaluate import evaluate as run_eval
    with guarded():
        admin_api("use surveillance")
        ev = run_eval(scenario, seeds, duration=duration, rate=rate, bad_names=bad,
                      on_seed=lambda s: out.print(f"seed {s} done") if not json else None)
        if json:
            print_json(ev.to_dict())
            return
        out.print(f"{ev.scenario}: {count(seeds, 'seed')} x {number(duration)} s, bad actors at "
                  f"{number(rate)} episodes/min; {count(ev.honest_orders, 'honest order')}")
        out.print(f"{'rule':<20} {'alerts':>6} {'episodes':>8} {'precision':>9} {'recall':>6}")
        for rule, s in ev.rules.items():
            p = "-" if s.precision is None else f"{s.precision:.3f}"
            r = "-" if s.recall is None else f"{s.recall:.3f}"
            out.print(f"{rule:<20} {number(s.alerts):>6} {number(s.episodes):>8} {p:>9} {r:>6}")
        out.print(f"false alerts: {number(ev.false_alerts)} ({number(ev.false_per_10k, 2)} per 10,000 "
                  "honest orders)")
