"""`souq mm templates|list|show|create|set|stage|start|stop|status`: named strategy
configurations and their runs. The rules live in mm/desk/configs.py, launch.py, status.py."""
from typing import Optional

import typer

from souq.mm.desk import configs as C
from souq.mm.desk import launch, limits as L, status as S
from souq.mm.desk.params import BadParam, parse_assignments
from souq.mm.desk.strategy import template, templates as all_templates
from souq.mm.display import Figures, exact, grouped_text, number

from .context import State, fail, guarded, out, print_json
from .views import _table

PARAM_KEYS = ("name", "unit", "default", "range", "help")
ASSIGN = typer.Argument(None, metavar="KEY=VALUE...", help="Parameters, e.g. max_inventory=2.")


def register(mm_app: typer.Typer) -> None:
    """Adds this module's commands to the `mm` sub-app."""
    for name, fn in (("templates", templates), ("list", list_configs), ("show", show),
                     ("create", create), ("set", set_params), ("stage", stage),
                     ("start", start), ("stop", stop), ("status", status),
                     ("limits", desk_limits)):
        mm_app.command(name, context_settings={"ignore_unknown_options": name in
                                               ("create", "set")})(fn)


def templates(name: Optional[str] = typer.Argument(None, help="One template, with its "
                                                   "parameters."),
              params: bool = typer.Option(False, "--params", help="Every template's "
                                          "parameters too."),
              json: bool = typer.Option(False, "--json")) -> None:
    """Strategy templates: what each does and, for one or with --params, its parameters."""
    with guarded():
        chosen = {name: template(name)} if name else all_templates()
        if json:
            print_json([{"name": n, "summary": cls.summary, "params": C.template_rows(cls)}
                        for n, cls in chosen.items()])
            return
        if not chosen:
            out.print("no strategy templates registered")
            return
        if not (name or params):
            _table("templates", ("template", "summary"), ((n, c.summary) for n, c in
                                                          chosen.items()))
            return
        for n, cls in chosen.items():
            _table(f"{n}: {cls.summary}", PARAM_KEYS,
                   ([_cell(k, r[k]) for k in PARAM_KEYS] for r in C.template_rows(cls)))


def list_configs(json: bool = typer.Option(False, "--json")) -> None:
    """Strategy configurations (latest versions) with their run state."""
    with guarded():
        rows = [{"name": c["name"], "version": c["version"], "template": c["template"],
                 "symbol": c["symbol"], "user": c["user"], "stage": c["stage"],
                 "state": c["run"]["state"] if c["run"] else "never run"}
                for c in C.listing(State.api())]
        if json:
            print_json(rows)
            return
        keys = ("name", "version", "template", "symbol", "user", "stage", "state")
        _table("strategy configurations", keys, ([r[k] for k in keys] for r in rows),
               right=("version",))


def show(name: str, version: Optional[int] = typer.Option(None, "--version", min=1),
         versions: bool = typer.Option(False, "--versions", help="List every version "
                                       "with what it changed."),
         json: bool = typer.Option(False, "--json")) -> None:
    """One configuration: every parameter with its value, unit, default and range."""
    with guarded():
        api = State.api()
        cfg = C.get(api, name, version)
        if versions:
            _versions(api, cfg, json)
            return
        rows = C.parameter_rows(cfg)
        if json:
            print_json({**_head(cfg), "parameters": rows})
            return
        keys = ("name", "value", "unit", "default", "range")
        _table(f"{name} version {cfg['version']}: {cfg['template']} on {cfg['symbol']} as "
               f"{cfg['user']}, stage {cfg['stage']}", keys,
               ([_cell(k, r[k]) for k in keys] for r in rows))


def _cell(key: str, value):
    """A parameter table's cell as people read it: values, defaults and ranges with
    their numbers grouped (mm.display.grouped_text; --json keeps them exact)."""
    if key in ("value", "default", "range") and isinstance(value, str):
        return grouped_text(value)
    return value


def create(name: str,
           template_name: str = typer.Option(..., "--template", help="See souq mm templates."),
           symbol: str = typer.Option(..., "--symbol"),
           user: str = typer.Option(..., "--user", help="The market-maker user it trades as."),
           note: str = typer.Option("", "--note"),
           assignments: Optional[list[str]] = ASSIGN) -> None:
    """Create a configuration of a template: version 1, stage draft."""
    with guarded():
        cfg = C.create(State.api(), name, template_name, symbol, user, _pairs(assignments),
                       note)
        out.print(f"created {name} version 1: {cfg['template']} on {symbol} as {user}, "
                  f"stage draft")


def set_params(name: str, assignments: Optional[list[str]] = ASSIGN) -> None:
    """Change parameters: all validated together, written as the next version."""
    with guarded():
        api = State.api()
        before, after = C.change(api, name, _pairs(assignments))
        if after is None:
            out.print(f"{name} unchanged at version {before['version']}")
            return
        changes = ", ".join(f"{k} {grouped_text(before['params'].get(k, '-'))} -> "
                            f"{grouped_text(v)}"
                            for k, v in after["params"].items() if before["params"].get(k) != v)
        out.print(f"{name} version {after['version']}: {changes}", markup=False,
                  soft_wrap=True)
        run = C.active_run(api, name)
        if run is not None:
            out.print(f"run {run['id']} picks up version {after['version']} at its next poll")


def stage(name: str, to: str = typer.Argument(..., metavar="STAGE",
                                              help=" -> ".join(C.STAGES))) -> None:
    """Move a configuration along its life cycle: draft -> backtested -> paper -> live, back
    to an earlier stage, or retired (and from retired back to draft)."""
    with guarded():
        old, cfg = C.stage(State.api(), name, to)
        out.print(f"{name} version {cfg['version']}: {old} -> {to}")


def start(name: str, sim: bool = typer.Option(False, "--sim", help="Against the demo market "
                                              "simulator in the runner's process."),
          timeout: float = typer.Option(30.0, "--timeout", min=0.1,
                                        help="Seconds to wait for the runner.")) -> None:
    """Start a configuration's runner in the background; returns once it runs."""
    with guarded():
        api = State.api()
        row = launch.start(api, name, launch.runner_command(api.url), sim=sim, timeout=timeout)
        out.print(f"started {name}: run {row['id']} (version {row['version']}, "
                  f"{run_kind(C.get(api, name)['stage'], row['mode'])}, process {row['pid']})")


def run_kind(stage: str, mode: str) -> str:
    """What a run is, in words: its configuration's stage (paper or live) and where it
    trades. The run's `mode` says only "live" (the exchange) or "sim" (the simulator)."""
    where = "beside the simulator" if mode == "sim" else "on the exchange"
    return f"{stage} run {where}"


def stop(name: str, timeout: float = typer.Option(30.0, "--timeout", min=0.1,
                                                  help="Seconds to wait for the runner.")
         ) -> None:
    """Stop a running configuration: its orders are cancelled, then its runner exits."""
    with guarded():
        row = launch.stop(State.api(), name, timeout=timeout)
        how = f" ({grouped_text(row['reason'])})" if row["reason"] else ""
        out.print(f"stopped {name}: run {row['id']} {row['state']}{how}")


def status(name: Optional[str] = typer.Argument(None),
           json: bool = typer.Option(False, "--json")) -> None:
    """Run state, run id, start time and PnL since the start, from the database."""
    with guarded():
        rows = S.status(State.api(), name)
        if json:
            print_json(rows)
            return
        keys = ("name", "state", "run", "started", "mode", "trades", "inventory", "realised",
                "unrealised", "fees", "pnl")
        figures = Figures(State.api().symbols())
        _table("strategy status", keys, (_status_row(r, figures) for r in rows),
               right=("run", "trades", "inventory", "realised", "unrealised", "fees", "pnl"))


def _status_row(r: dict, figures: Figures) -> list:
    """A status row as people read it: inventory at the symbol's step, money at the quote
    asset's precision (--json has them exact)."""
    run, pos = r["run"], r.get("position")
    if run is None:
        return [r["name"], r["state"]] + ["-"] * 9
    market = figures.markets.get(r["symbol"])
    quote = next((s["quote"] for s in figures.rows if s["name"] == r["symbol"]), "")
    money = [figures.fee(quote, pos[k]) if k == "fees" else figures.money(quote, pos[k])
             for k in ("realised", "unrealised", "fees", "pnl")]
    mode = f"{r['stage']}, sim" if run["mode"] == "sim" else r["stage"]
    return [r["name"], r["state"], run["id"], run["started"], mode, number(pos["trades"]),
            market.qty(pos["inventory"]) if market else pos["inventory"], *money]


def _head(cfg: dict) -> dict:
    return {k: cfg[k] for k in ("name", "version", "template", "symbol", "user", "stage",
                                "note")} | {"created": S.when(cfg["created_ts"])}


def _versions(api, cfg: dict, json: bool) -> None:
    rows = [{"version": v["version"], "stage": v["stage"], "created": S.when(v["created_ts"]),
             "changed": v["changed"]} for v in C.history(api, cfg["name"])]
    if json:
        print_json(rows)
        return
    _table(f"{cfg['name']} versions", ("version", "stage", "created", "changed"),
           ([r["version"], r["stage"], r["created"],
             ", ".join(f"{k}={v}" for k, v in r["changed"].items()) or "-"] for r in rows),
           right=("version",))


def _pairs(items: Optional[list[str]]) -> dict[str, str]:
    try:
        return parse_assignments(items or [])
    except BadParam as exc:
        fail(str(exc))


def desk_limits(asset: Optional[str] = typer.Argument(None, help="The asset to limit."),
                setting: Optional[str] = typer.Argument(None, metavar="max_inventory=Q|none",
                                                        help="The desk's net cap."),
                json: bool = typer.Option(False, "--json")) -> None:
    """Desk-wide limits: the net inventory of every running strategy together, per asset.
    With ASSET max_inventory=Q, set one (admin); with max_inventory=none, remove it."""
    with guarded():
        api = State.api()
        if asset is not None:
            key, eq, value = (setting or "").partition("=")
            if key != "max_inventory" or not eq:
                fail("give the limit as max_inventory=QTY (or max_inventory=none)")
            now = L.set_limit(api, asset, value)
            out.print(f"desk limit {asset}: max_inventory "
                      f"{exact(now) if now else 'none'}", markup=False)
            return
        rows = L.limits(api)
        if json:
            print_json(rows)
            return
        if not rows:
            out.print("no desk-wide limits")
        for r in rows:
            out.print(f"{r['asset']}: net {exact(r['net_inventory'])} of max_inventory "
                      f"{exact(r['max_inventory'])}", markup=False)
