"""Named strategy configurations: the rules for creating, changing and staging them.

A configuration names a template, the symbol it quotes and the market-maker user it trades
as; its parameters are checked against the template's spec as a whole, so a change is
either written completely as the next version or refused with one reason. Versions are
never edited; the life-cycle stage of the latest version is the only thing that moves.

Everything here works through an `Api` (the acting user's rights) and db/desk.py.
"""
import re

from souq.db import access
from souq.db import desk as D
from souq.db import queries as Q
from souq.engine.model import ADMIN, MARKET_MAKER

from .params import BadParam, Param, symbol_fit, symbol_params, validate
from .strategy import Strategy, template

STAGES = D.STAGES
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")

# The life cycle. Forward one step at a time (a configuration is backtested before it is
# paper traded, paper traded before it goes live); back to any earlier stage (demote after
# trouble); any stage may be retired, and a retired one only comes back as a draft.
TRANSITIONS = {
    "draft": ("backtested", "retired"),
    "backtested": ("paper", "draft", "retired"),
    "paper": ("live", "backtested", "draft", "retired"),
    "live": ("paper", "backtested", "draft", "retired"),
    "retired": ("draft",),
}
# Stages that may run against the exchange (live or beside the simulator); backtests run
# at any stage. See may_run.
RUNS_LIVE = ("paper", "live")


class ConfigError(ValueError):
    """A request about a configuration that cannot be done; the message says why."""


def spec_of(cfg: dict) -> tuple[Param, ...]:
    return template(cfg["template"]).spec()


def get(api, name: str, version: int | None = None) -> dict:
    """The configuration (latest version unless `version`) the actor may see."""
    cfg = api.read(D.config, name, version)
    if cfg is None:
        if version is not None and api.read(D.config, name) is not None:
            raise ConfigError(f"configuration {name!r} has no version {version}")
        raise ConfigError(f"no configuration {name!r}")
    _may_see(api, cfg["user"], name)
    return cfg


def listing(api) -> list[dict]:
    """Latest version of every configuration the actor may see, each with `run` (its
    newest run or None)."""
    out = []
    admin = api.role() == ADMIN
    for cfg in api.read(D.configs):
        if admin or cfg["user"] == api.actor:
            runs = api.read(D.runs, cfg["name"], 1)
            out.append({**cfg, "run": runs[0] if runs else None})
    return out


def create(api, name: str, template_name: str, symbol: str, user: str,
           values: dict[str, str], note: str = "") -> dict:
    """Version 1 of a new configuration, stage draft."""
    if not NAME.match(name):
        raise ConfigError(f"configuration name {name!r} must be 1-64 letters, digits, '.', "
                          "'-' or '_', starting with a letter or digit")
    cls = template(template_name)
    if api.read(D.config, name) is not None:
        raise ConfigError(f"configuration {name!r} already exists; change it with "
                          f"souq mm set {name} key=value")
    if api.read(Q.symbol, symbol) is None:
        raise ConfigError(f"unknown symbol {symbol!r}")
    _check_user(api, user)
    params = _validated(cls.spec(), values, None, api, symbol)
    D.save_config(api.db, name, cls.template, symbol, user, params, api.clock(), note=note)
    return api.read(D.config, name)


def change(api, name: str, values: dict[str, str]) -> tuple[dict, dict | None]:
    """(before, after): `values` applied to the latest version and written as the next one,
    which keeps the stage. `after` is None when nothing would change."""
    cfg = get(api, name)
    _may_change(api, cfg)
    if cfg["stage"] == "retired":
        raise ConfigError(f"{name} is retired; bring it back first: souq mm stage {name} draft")
    if not values:
        raise ConfigError("nothing to set; give key=value pairs")
    params = _validated(spec_of(cfg), values, cfg["params"], api, cfg["symbol"])
    if params == cfg["params"]:
        return cfg, None
    D.save_config(api.db, name, cfg["template"], cfg["symbol"], cfg["user"], params,
                  api.clock(), stage=cfg["stage"])
    return cfg, api.read(D.config, name)


def stage(api, name: str, to: str) -> tuple[str, dict]:
    """Move the latest version to stage `to`; (the old stage, the configuration)."""
    if to not in STAGES:
        raise ConfigError(f"unknown stage {to!r}; stages: {', '.join(STAGES)}")
    cfg = get(api, name)
    _may_change(api, cfg)
    old = cfg["stage"]
    if to == old:
        raise ConfigError(f"{name} version {cfg['version']} is already {to}")
    if to not in TRANSITIONS[old]:
        raise ConfigError(f"{name} cannot go from {old} to {to}; from {old}: "
                          f"{', '.join(TRANSITIONS[old])}")
    if to == "retired" and api.read(D.active_run, name) is not None:
        raise ConfigError(f"{name} is running; stop it before retiring it")
    D.set_stage(api.db, name, cfg["version"], to)
    return old, {**cfg, "stage": to}


def history(api, name: str) -> list[dict]:
    """Every version, oldest first: version, stage, created_ts and the parameters it
    changed from the version before (none for the first)."""
    get(api, name)
    rows, prev = [], None
    for v in api.read(D.versions, name):
        changed = {} if prev is None else {k: x for k, x in v["params"].items()
                                           if prev.get(k) != x}
        rows.append({"version": v["version"], "stage": v["stage"],
                     "created_ts": v["created_ts"], "changed": changed})
        prev = v["params"]
    return rows


def active_run(api, name: str) -> dict | None:
    return api.read(D.active_run, name)


def may_run(cfg: dict, where: str) -> None:
    """The life-cycle rule, the one every interface asks (CLI, TUI, the runner itself):
    ConfigError unless the configuration's stage lets it run `where`.

    - "exchange": a runner placing orders on the exchange's database, live or beside the
      simulator (--sim): only paper and live configurations (backtested comes before
      paper, so a configuration gets here only after a backtest stage);
    - "backtest": history or a scenario in memory: any stage, retired included (looking
      back at what a retired configuration would have done risks nothing).
    """
    name, at = cfg["name"], cfg["stage"]
    if where == "backtest":
        return
    if where != "exchange":
        raise ValueError(f"unknown place to run {where!r}")
    if at == "retired":
        raise ConfigError(f"{name} is retired and runs nowhere; bring it back first: "
                          f"souq mm stage {name} draft")
    if at not in RUNS_LIVE:
        raise ConfigError(f"{name} is at stage {at}: only paper and live configurations run "
                          f"against the exchange (backtests run at any stage); move it on "
                          f"with souq mm stage {name} {TRANSITIONS[at][0]}")


def startable(cfg: dict, sim: bool) -> None:
    """ConfigError unless the configuration may start a runner (with or without the
    simulator: both place orders on the exchange's database)."""
    may_run(cfg, "exchange")


def parameter_rows(cfg: dict) -> list[dict]:
    """Every parameter of the configuration with its value (`param_value`), unit, default
    and range."""
    return [{"name": p.name, "value": _stored_or_default(cfg, p), "unit": p.unit,
             "default": p.default, "range": value_range(p), "help": p.help}
            for p in spec_of(cfg)]


def param_value(cfg: dict, name: str) -> str | None:
    """A configuration's parameter as stored, else its template's default (a version saved
    before the parameter existed gets the default, never a "0" it was never set to); None
    for a name its template does not have."""
    p = next((q for q in spec_of(cfg) if q.name == name), None)
    return cfg["params"].get(name) if p is None else _stored_or_default(cfg, p)


def _stored_or_default(cfg: dict, p: Param):
    value = cfg["params"].get(p.name)
    return p.default if value is None else value


def template_rows(cls: type[Strategy]) -> list[dict]:
    return [{"name": p.name, "unit": p.unit, "default": p.default, "range": value_range(p),
             "help": p.help} for p in cls.spec()]


def value_range(p: Param) -> str:
    """The accepted values as a person reads them: '0..200', '>= 0', 'a|b|c', ..."""
    if p.choices:
        text = "|".join(p.choices)
    elif p.kind == "bool":
        text = "true|false"
    elif p.lo is not None and p.hi is not None:
        text = f"{p.lo}..{p.hi}"
    elif p.lo is not None:
        text = f">= {p.lo}"
    elif p.hi is not None:
        text = f"<= {p.hi}"
    else:
        text = "any"
    return f"{text} or none" if p.optional else text


def _validated(spec, values, base, api=None, symbol: str | None = None) -> dict[str, str]:
    """The whole parameter set checked (ranges, cross-parameter rules, and with `api` that
    every symbol parameter names an existing symbol, and that the values set now fit
    `symbol`'s step, minimum and tick: params.symbol_fit); ConfigError. The one check
    the CLI, the workstation's strategy pane and the optimizer share."""
    try:
        params = validate(spec, values, base)
        row = None if api is None or symbol is None else api.read(Q.symbol, symbol)
        if row is not None:
            symbol_fit(spec, params, values, row)
    except BadParam as exc:
        raise ConfigError(str(exc)) from None
    if api is not None:
        for key in symbol_params(params):
            if api.read(Q.symbol, params[key]) is None:
                raise ConfigError(f"{key}: unknown symbol {params[key]!r}")
    return params


def _check_user(api, user: str) -> None:
    row = api.read(Q.user, user)
    if row is None:
        raise ConfigError(f"unknown user {user!r}")
    if row["role"] != MARKET_MAKER:
        raise ConfigError(f"user {user!r} is a {row['role']}, not a market_maker; a "
                          "strategy trades as a market-maker user")
    if api.role() != ADMIN and api.actor != user:
        raise ConfigError(f"{api.actor} may only configure strategies that trade as "
                          f"{api.actor}")


def _may_see(api, user: str, name: str) -> None:
    """ConfigError unless the actor may use configuration `name` (trading as `user`): an
    unknown actor is named as such, anyone else is told whose it is."""
    try:
        access.require(api, "mm show", user)
    except access.AccessDenied as exc:
        if str(exc).startswith("unknown user"):
            raise ConfigError(str(exc)) from None
        raise ConfigError(f"configuration {name!r} belongs to {user}, not {api.actor}; "
                          "only its owner or an admin may use it") from None


def _may_change(api, cfg: dict) -> None:
    _may_see(api, cfg["user"], cfg["name"])
