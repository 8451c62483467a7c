"""`souq cases`: the review desk (admin). Every decision is journalled with who and why."""
from typing import Optional

import typer

from souq.mm.display import Figures, count

from .context import admin_api, fail, guarded, out, print_json
from .views import known

cases_app = typer.Typer(help="Surveillance cases (admin): list, show, review, dismiss, "
                             "confirm, release.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(cases_app, name="cases")


@cases_app.command("list")
def list_cases(status: Optional[str] = typer.Option(None, "--status"),
               user: Optional[str] = typer.Option(None, "--user"),
               json: bool = typer.Option(False, "--json")) -> None:
    """Cases, oldest first, optionally by status and by an account they involve."""
    from souq.db import surveil as D
    with guarded():
        if status is not None and status not in D.STATUSES:
            fail(f"unknown status {status!r}; use {', '.join(D.STATUSES)}")
        api = admin_api("use surveillance")
        known(api, user=user)
        rows = api.read(D.cases, status=status, user=user)
        if json:
            print_json(rows)
            return
        for c in rows:
            out.print(f"{c['id']:>5} {c['status']:<12} {c['severity']:<8} {c['rule']:<20} "
                      f"{','.join(c['users'])} {c['symbol'] or '-'} {count(c['alerts'], 'alert')}",
                      markup=False, soft_wrap=True)
        out.print(count(len(rows), "case"))


@cases_app.command("show")
def show(case_id: int = typer.Argument(..., metavar="ID"),
         json: bool = typer.Option(False, "--json")) -> None:
    """A case: its alerts with their evidence, the orders and trades named, and its history."""
    from souq.db import surveil as D
    with guarded():
        api = admin_api("use surveillance")
        c = api.read(D.case, case_id)
        if c is None:
            fail(f"unknown case {case_id}")
        orders, trades = api.read(D.case_orders, c)
        if json:
            print_json(dict(c, orders=orders, trades=trades))
            return
        out.print(f"case {c['id']}: {c['rule']} on {','.join(c['users'])} {c['symbol'] or '-'}, "
                  f"{c['status']}, {c['severity']}, {count(c['alerts'], 'alert')}", markup=False)
        for a in c["alert_list"]:
            out.print(f"  alert {a['id']} seq {a['first_seq']}-{a['last_seq']}: {a['text']} "
                      f"{_scores(a['scores'])}", markup=False, soft_wrap=True)
        f = Figures(api.symbols())
        for o in orders:
            price = "market" if o["price"] is None else f.price(o["symbol"], o["price"])
            out.print(f"  order {o['id']} {o['user']} {o['symbol']} {o['side']} "
                      f"{f.qty(o['symbol'], o['qty'])} @ {price} {o['status']}", markup=False)
        for t in trades:
            out.print(f"  trade {t['id']} {t['symbol']} {f.qty(t['symbol'], t['qty'])} @ "
                      f"{f.price(t['symbol'], t['price'])} "
                      f"{t['maker_user']}<->{t['taker_user']}", markup=False)
        for h in c["history"]:
            out.print(f"  {h['action']} by {h['actor']} (seq {h['seq']}): {h['note']}",
                      markup=False, soft_wrap=True)


def _act(action: str, case_id: int, note: str, suspend: bool = False, cancel: bool = False) -> None:
    from souq.db import surveil as D
    with guarded():
        c = D.act(admin_api("use surveillance"), case_id, action, note, suspend=suspend, cancel=cancel)
        extra = f"; suspended {', '.join(c['suspended'])}" if action == "confirm" and c["suspended"] else ""
        out.print(f"case {case_id} {c['status'].replace('_', ' ')}{extra}", markup=False)


NOTE = typer.Option(..., "--note", help="Why (kept in the journal).")


@cases_app.command("review")
def review(case_id: int = typer.Argument(..., metavar="ID"), note: str = NOTE) -> None:
    """Take an open case under review."""
    _act("review", case_id, note)


@cases_app.command("dismiss")
def dismiss(case_id: int = typer.Argument(..., metavar="ID"), note: str = NOTE) -> None:
    """Dismiss a case, with the reason."""
    _act("dismiss", case_id, note)


@cases_app.command("confirm")
def confirm(case_id: int = typer.Argument(..., metavar="ID"), note: str = NOTE,
            suspend: bool = typer.Option(False, "--suspend", help="Suspend the case's users."),
            cancel: bool = typer.Option(False, "--cancel", help="Suspend them and cancel their orders.")) -> None:
    """Confirm a case; optionally suspend its users (and cancel their orders)."""
    _act("confirm", case_id, note, suspend or cancel, cancel)


@cases_app.command("release")
def release(case_id: int = typer.Argument(..., metavar="ID"), note: str = NOTE) -> None:
    """Release a confirmed case: reinstate the users its confirmation suspended."""
    _act("release", case_id, note)


def _scores(scores) -> str:
    """An alert's scores as people read them: (name value, ...), grouped, 4 places at most."""
    from souq.mm.display import number, to_decimal
    if not isinstance(scores, dict) or not scores:
        return "" if not scores else str(scores)
    def one(v):
        d = to_decimal(v)
        if d is None:
            return str(v)
        return number(d) if d == d.to_integral_value() else number(d, 4)
    return "(" + ", ".join(f"{k} {one(v)}" for k, v in scores.items()) + ")"
