"""Figures the desk cannot know are shown as unknown, never as 0: a run's return when it
held nothing at the start, its PnL on the progress line before its first mark, and a
strategy row's inventory limits when a stored version predates those parameters."""
from decimal import Decimal
from types import SimpleNamespace

from souq.cli.mm_run import tick_text
from souq.mm.desk.report import return_pct
from souq.tui.desk_facade import _param


def test_a_return_on_nothing_is_unknown():
    assert return_pct(Decimal("-1.5"), Decimal("11000")) == "-0.013636"
    assert return_pct(Decimal("-1.5"), Decimal("0")) is None


def test_the_progress_line_s_pnl_is_unknown_before_the_first_mark():
    r = SimpleNamespace(name="mm-fixed", inventory=5 * 10**8, equity=None, n=3)
    assert tick_text(r) == "mm-fixed: inventory 0.5, PnL –, 3 orders sent"
    r.equity = -15 * 10**17
    assert tick_text(r) == "mm-fixed: inventory 0.5, PnL -1.5, 3 orders sent"


def test_a_missing_limit_is_the_template_s_default_not_0():
    cfg = {"template": "fixed_spread", "params": {"target_inventory": "0.2"}}
    assert (_param(cfg, "max_inventory"), _param(cfg, "target_inventory")) == ("1", "0.2")
