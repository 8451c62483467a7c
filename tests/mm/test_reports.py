"""souq.mm.reports on a hand-made stored run: exact figure lines in Markdown, an <svg> per
chart in HTML, JSON that round-trips, byte-identical renders, and the series worked out
by hand (drawdown, markout curve)."""
import json
import re

import pytest

from souq.mm.reports import build, render
from souq.mm.reports.compare import compare

S = 10**9
FIGURES = {
    "pnl": {"total": "7", "realised": "2.5", "unrealised": "4.5", "fees": "0.01",
            "mark": "99"},
    "attribution": {"spread": "3", "inventory": "4.01", "fees": "-0.01", "total": "7"},
    "sharpe": 1.5, "sortino": None, "fills": 1, "orders": 2,
    "markouts": {"10s": {"fills": 0, "mean": None, "pnl": "0"},
                 "1s": {"fills": 1, "mean": "1", "pnl": "1"}},
    "brand_new": 3,
}


def row(**changes) -> dict:
    result = {
        "spec": {}, "events": 40, "stopped": "stopped", "reason": "backtest over",
        "alerts": [], "skipped": 0, "figures": FIGURES,
        "fills": [{"ts": S // 2, "symbol": "ETH-USDT", "side": "buy", "price": "100",
                   "qty": "1", "fee": "0.01", "cid": "q1"},
                  {"ts": S // 2, "symbol": "BTC-USDT", "side": "sell", "price": "9",
                   "qty": "5", "fee": "0", "cid": "h1"}],
        "orders": [{}, {}],
        "series": [[0, "0", "0", "100"], [S, "5", "1", "101"], [2 * S, "2", "1", "98"],
                   [3 * S, "7", "0", "99"]],
        "mids": [[0, "100"], [S, "101"], [2 * S, "98"], [3 * S, "99"]],
    }
    base = {"id": 3, "config": "eth", "version": 2, "template": "fixed_spread",
            "symbol": "ETH-USDT", "data": None, "scenario": "normal", "scenario_params": {},
            "start_ts": None, "end_ts": None, "duration_ns": 3 * S, "seed": 7,
            "latency_ns": 20_000_000, "overrides": {"order_amount": "0.5"}, "events": 40,
            "code_version": "0.1.0+test", "figures": FIGURES, "created_ts": 1}
    return base | {"result": json.dumps(result)} | changes


def test_series_worked_out_by_hand():
    r = build(row())
    assert r.chart("equity").xs == ("0", "1", "2", "3")
    assert r.chart("equity").ys == ("0", "5", "2", "7")
    assert r.chart("drawdown").ys == ("0", "0", "-3", "0")
    assert r.chart("inventory").ys == ("0", "1", "1", "0")
    # the ETH buy at 0.5 s met mid 100: 1 s later 101 (+1), 2 s later 98 (-2); 5 s and
    # more are past the run's end; the BTC hedge fill is not this symbol's
    m = r.chart("markouts")
    assert (m.xs, m.ys) == ((1, 2), ("1", "-2"))


def test_markdown_has_every_figure_on_an_exact_line():
    text = render(row(), "md")
    lines = text.splitlines()
    assert lines[0] == "# Backtest report: run 3, eth v2"
    for line in ("- Source: scenario normal", "- Duration: 3 s", "- Seed: 7",
                 "- Latency: 20 ms", "- Overrides: order_amount=0.5",
                 "- Orders, fills: 2, 2", "- Ended: stopped: backtest over",
                 "| PnL total (USDT) | 7.00 |", "| PnL realised (USDT) | 2.50 |",
                 "| Closing mark (USDT/ETH) | 99.00 |", "| Spread capture (USDT) | 3.00 |",
                 "| Inventory mark-to-market (USDT) | 4.01 |", "| Sharpe (annualised) | 1.50 |",
                 "| Sortino (annualised) | n/a |", "| Fills | 1 |",
                 "| Markout 1s: mean (USDT/ETH) | 1.00 |", "| Markout 10s: fills | 0 |",
                 "| brand new | 3 |", "## Other", "### Equity (USDT)", "### Drawdown (USDT)",
                 "### Inventory (ETH)"):
        assert line in lines, line
    # markouts in horizon order, sections in reading order
    assert lines.index("| Markout 1s: fills | 1 |") < lines.index("| Markout 10s: fills | 0 |")
    order = [ln for ln in lines if ln.startswith("## ")]
    assert order == ["## PnL", "## Attribution", "## Risk", "## Trading", "## Markouts",
                     "## Other", "## Charts"]
    assert text.count("```text") == 4 and "\x1b" not in text


def test_html_is_self_contained_with_an_svg_per_chart():
    text = render(row(), "html")
    assert text.startswith("<!DOCTYPE html>") and text.endswith("</html>\n")
    assert len(re.findall(r"<svg [^>]*>", text)) == 4
    for key in ("equity", "drawdown", "inventory", "markouts"):
        assert f'<figure id="{key}">' in text
    assert '<tr><td>PnL total (USDT)</td><td class="v">7.00</td></tr>' in text
    assert '<tr><td>Sortino (annualised)</td><td class="v">n/a</td></tr>' in text
    assert "<script" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in text


def test_json_round_trips_and_every_render_is_byte_identical():
    text = render(row(), "json")
    data = json.loads(text)
    assert data == json.loads(json.dumps(build(row()).plain()))
    assert data["figures"] == FIGURES and data["run"]["id"] == 3
    assert data["series"]["drawdown"]["y"] == ["0", "0", "-3", "0"]
    assert json.dumps(data, sort_keys=True, indent=2) + "\n" == text
    for fmt in ("md", "html", "json"):
        assert render(row(), fmt) == render(row(), fmt)


def test_empty_run_and_unknown_format():
    empty = json.loads(row()["result"]) | {"series": [], "mids": [], "fills": []}
    text = render(row(result=json.dumps(empty)), "html")
    assert text.count("no points to draw") == 4
    assert "(no points to draw)" in render(row(result=json.dumps(empty)), "md")
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(row(), "pdf")


def test_compare_lines_up_figures_by_label():
    a, b = build(row()), build(row(id=4, seed=8))
    rows = compare(a, b)
    assert ("Run", "Seed", "7", "8") in rows
    assert ("PnL", "PnL total (USDT)", "7.00", "7.00") in rows


def test_figure_lines_read_rounded_grouped_and_with_units():
    from souq.mm.reports.lines import figure_lines
    lines = figure_lines({"pnl": {"total": "-98214890.000000000000000009"},
                          "win_rate": 0.4480874317, "fills": 12345, "sharpe": -9.642629899},
                         "BTC", "IRR", quote_dp=0)
    assert lines == [("PnL", "PnL total (IRR)", "-98,214,890"),
                     ("Risk", "Sharpe (annualised)", "-9.64"),
                     ("Trading", "Fills", "12,345"), ("Trading", "Win rate", "44.81%")]
