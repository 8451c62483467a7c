"""`souq report` through the real console script: a stored scenario run as Markdown on
stdout, HTML and JSON into files, the same bytes twice; bad input is one line."""
import json
from decimal import Decimal

import pytest

from souq.db.api import Api
from souq.mm.desk.demo_configs import build
from souq_cli import Souq

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def souq(tmp_path_factory):
    db = tmp_path_factory.mktemp("report") / "demo.db"
    api = Api(str(db))
    assert all(o.reason is None for o in build(api).outcomes)
    api.close()
    s = Souq(db)
    s.ok("backtest", "fixed-btc", "--scenario", "high_volatility", "--duration", "5",
         "--seed", "1")
    return s


def test_report_formats(souq, tmp_path):
    shown = souq.json("runs", "show", "1")
    md = souq.ok("report", "1")
    assert md.startswith("# Backtest report: run 1, fixed-btc v1\n")
    total = shown["figures"]["pnl"]["total"]
    # shown as people read it (mm.display): grouped, at the quote's places, rounded half-even
    [line] = [x for x in md.splitlines() if x.startswith("| PnL total (IRR) | ")]
    text = line.split("|")[2].strip()
    places = len(text.split(".")[1]) if "." in text else 0
    assert Decimal(text.replace(",", "")) == Decimal(total).quantize(Decimal(1).scaleb(-places))
    assert "," in text
    assert md.count("```text") == 4
    assert souq.ok("report", "1", "--format", "md") == md
    out = souq.ok("report", "1", "--format", "html", "--out", tmp_path / "r.html")
    assert out == f"wrote run 1's html report to {tmp_path / 'r.html'}\n"
    html = (tmp_path / "r.html").read_text()
    assert html.count("<svg ") == 4 and f'<td class="v">{text}</td>' in html   # as in md
    souq.ok("report", "1", "--format", "json", "--out", tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["figures"] == shown["figures"]
    assert len(data["series"]["equity"]["y"]) == 6           # 0..5 s, one a second
    souq.ok("report", "1", "--format", "html", "--out", tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == (tmp_path / "r.html").read_bytes()


def test_bad_input_is_one_line(souq, tmp_path):
    souq.fail_all([
        (("report", "9"), None, "no stored run 9"),
        (("report", "1", "--format", "pdf"), None, "unknown format 'pdf'; choose one of md"),
        (("report", "1", "--out", tmp_path / "missing" / "r.md"), None,
         f"folder {tmp_path / 'missing'} does not exist"),
        (("report", "1", "--out", tmp_path), None, "is a directory"),
        (("report", "x"), None, "Invalid value for 'run'"),
    ])
    assert not (tmp_path / "missing").exists()
