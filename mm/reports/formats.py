"""A report as Markdown, HTML or JSON text. Markdown carries plotext charts in text
blocks; HTML is one self-contained file with inline SVG and CSS; JSON is Report.plain()."""
import json
from html import escape

from souq.mm.backtest.models import describe
from souq.mm.display import number

from .content import Report, build
from .svg import line_chart
from .text import text_chart

FORMATS = ("md", "html", "json")
CHART_WIDTH, CHART_HEIGHT = 100, 18          # Markdown charts, in character cells
CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:760px;color:#222}
table{border-collapse:collapse;margin:0 0 1em}td,th{padding:2px 10px;text-align:left;
border-bottom:1px solid #ddd}td.v{text-align:right;font-family:monospace}
figure{margin:1em 0}"""


def render(row: dict, fmt: str, symbols=()) -> str:
    """A stored run (with its result) as text in `fmt`, one of FORMATS; `symbols` as in
    content.build (the assets' precisions)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")
    report = build(row, symbols)
    return {"md": markdown, "html": html, "json": json_text}[fmt](report)


def about(report: Report) -> list[tuple[str, str]]:
    """What ran, as (label, text) lines; shared by every format and the TUI."""
    r = report.run
    source = f"data {r['data']}" if r["data"] else f"scenario {r['scenario']}"
    if r["scenario_params"]:
        source += " " + _pairs(r["scenario_params"])
    window = []
    if r["start_ts"] is not None or r["end_ts"] is not None:
        window.append(("Window (ns)", f"{r['start_ts']} .. {r['end_ts']}"))
    if r["duration_ns"] is not None:
        window.append(("Duration", f"{_num(r['duration_ns'], 9)} s"))
    return [("Run", str(r["id"])),
            ("Configuration", f"{r['config']} v{r['version']} ({r['template']}, {r['symbol']})"),
            ("Source", source), *window, ("Seed", str(r["seed"])),
            ("Latency", f"{_num(r['latency_ns'], 6)} ms"),
            ("Models", describe(r["models"])),
            ("Overrides", _pairs(r["overrides"]) or "none"),
            ("Market events", number(r["events"])),
            ("Orders, fills", f"{number(r['orders'])}, {number(r['fills'])}"),
            ("Ended", f"{r['stopped']}: {r['reason']}" if r["reason"] else r["stopped"]),
            ("Code version", r["code_version"])]


def markdown(report: Report) -> str:
    r = report.run
    out = [f"# Backtest report: run {r['id']}, {r['config']} v{r['version']}", ""]
    out += [f"- {label}: {text}" for label, text in about(report)]
    section = None
    for sec, label, value in report.lines:
        if sec != section:
            out += ["", f"## {sec}", "", "| Figure | Value |", "|---|---:|"]
            section = sec
        out.append(f"| {label} | {value} |")
    out += ["", "## Charts"]
    for chart in report.charts:
        out += ["", f"### {chart.title}", "", "```text",
                text_chart(chart, CHART_WIDTH, CHART_HEIGHT, title=False), "```"]
    return "\n".join(out) + "\n"


def html(report: Report) -> str:
    r = report.run
    title = escape(f"Backtest report: run {r['id']}, {r['config']} v{r['version']}")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{title}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           f"<h1>{title}</h1>", "<table>"]
    out += [f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in about(report)]
    out.append("</table>")
    section = None
    for sec, label, value in report.lines:
        if sec != section:
            if section is not None:
                out.append("</table>")
            out += [f"<h2>{escape(sec)}</h2>", "<table>"]
            section = sec
        out.append(f'<tr><td>{escape(label)}</td><td class="v">{escape(value)}</td></tr>')
    if section is not None:
        out.append("</table>")
    out.append("<h2>Charts</h2>")
    for chart in report.charts:
        out += [f'<figure id="{chart.key}">', line_chart(chart), "</figure>"]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def json_text(report: Report) -> str:
    return json.dumps(report.plain(), sort_keys=True, indent=2) + "\n"


def _pairs(d: dict) -> str:
    return " ".join(f"{k}={v}" for k, v in sorted(d.items()))


def _num(value: int, dp: int) -> str:
    whole, frac = divmod(abs(value), 10**dp)
    text = f"{whole}.{frac:0{dp}d}".rstrip("0").rstrip(".")
    return ("-" if value < 0 else "") + text
