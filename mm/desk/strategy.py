"""A strategy template: typed parameters and a `decide` that returns the quotes it wants.

Strategies are plain, deterministic objects: no I/O, no clock. They see a Context and
may keep state between calls (estimators, ping-pong side). The quote engine, controls
and risk turn what they want into orders; a strategy never talks to the exchange.
"""
from .params import CONTROLS, RISK, Param, configure
from .quotes import Context, Fill, Quote

TEMPLATES: dict[str, type["Strategy"]] = {}


class Strategy:
    template: str = ""                 # the name configurations refer to
    summary: str = ""                  # one line for `souq mm templates`
    PARAMS: tuple[Param, ...] = ()     # the template's own parameters

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        if cls.template:
            TEMPLATES[cls.template] = cls

    @classmethod
    def spec(cls) -> tuple[Param, ...]:
        """Every parameter a configuration of this template has: its own, then the
        shared controls, then risk."""
        return cls.PARAMS + CONTROLS + RISK

    def __init__(self, params: dict[str, str]) -> None:
        """`params`: validated text values by name. `self.p` is the template's typed,
        frozen config (params.config_class): read `self.p.spread_bps`."""
        self.text = dict(params)
        self.p = configure(self.spec(), params, f"{type(self).__name__}Config")

    def decide(self, ctx: Context) -> list[Quote]:
        """The quotes wanted now, best first per side. Called on every book change,
        trade, own fill and timer tick."""
        raise NotImplementedError

    def on_fill(self, fill: Fill, ctx: Context) -> None:
        """An own order traded; called before `decide` for the same moment."""


def template(name: str) -> type[Strategy]:
    """The template class by name; ValueError naming the known ones otherwise."""
    import souq.mm.strategies  # noqa: F401  (registers every template)
    try:
        return TEMPLATES[name]
    except KeyError:
        raise ValueError(f"unknown strategy template {name!r}; known: "
                         f"{', '.join(sorted(TEMPLATES))}") from None


def templates() -> dict[str, type[Strategy]]:
    import souq.mm.strategies  # noqa: F401
    return dict(sorted(TEMPLATES.items()))
