"""A strategy run's figures, from the database alone, so they survive a restart.

Assets at the end are the assets at the start plus the run's own trades (not the wallet
now, which later activity may have moved). The run's trades are the user's trades on its
symbols after the run's journal point and up to its stop, which the runner stamps after its
last commit, so the report holds every trade the kill switch saw: one run per user and
symbol at a time, as the desk runs them. The mark is the run's latest sample's, the price
the runner valued equity at (mm/desk/mark.py), else the same rule on the stored book.
Spread capture, Sharpe and the other ratios are the analytics' (one definition each);
a hedger's other legs are valued and converted into the quote asset there too.
Money is Decimal text in the quote asset; return is text too.
"""
import math
from decimal import ROUND_FLOOR, Decimal, localcontext

from sqlalchemy import select, text

from souq.db import desk
from souq.db import queries as Q
from souq.db import schema as S
from souq.db.load import to_int
from souq.db.predicates import OPEN_ORDER
from souq.engine.model import ACTIVE, PARTIAL
from souq.engine.numbers import AMOUNT_SCALE as AMOUNT
from souq.mm.analytics import figures
from souq.mm.pnl import position

from .quotes import Fill
from .remote_report import remote_report

ZERO = Decimal(0)
QUANTUM = Decimal("1e-18")
PRICE = Decimal("1e-9")
DAY_NS = 86_400 * 1_000_000_000


def return_pct(total: Decimal | None, hold: Decimal | None) -> str | None:
    """The run's PnL as a percentage of what it held at the start (valued at the mark),
    to 6 places; None when it held nothing there: a return on nothing is unknown, not 0
    (it read "0" before session 30), and None when either is unknown (no mark)."""
    if not hold or total is None:
        return None
    return _text((total / hold * 100).quantize(Decimal("0.000001")))


def report(source, run_id: int) -> dict:
    """The report of run `run_id`; `source` is a db.api.Api, an Engine or a Connection.
    KeyError when there is no such run."""
    if hasattr(source, "read"):
        return source.read(_report, run_id)
    if hasattr(source, "connect"):
        with source.connect() as conn:
            return _report(conn, run_id)
    return _report(source, run_id)


def _report(conn, run_id: int) -> dict:
    run = desk.run(conn, run_id)
    if run is None:
        raise KeyError(f"no run {run_id}")
    cfg = desk.config(conn, run["name"], run["version"])
    user = cfg["user"]
    sym = Q.symbol(conn, cfg["symbol"])
    remote = sym is None     # quoted on a remote venue: its own fills were kept here
    if remote:
        every = [fill_trade(f, user) for f in desk.fills(conn, run_id)]
        main = next((f for f in every if f["symbol"] == cfg["symbol"]), None)
        if main is None:     # no fill: the samples say all there is
            return remote_report(run, cfg, desk.samples(conn, run_id), _alerts(conn, run),
                                 max_drawdown)
        base, quote = main["base"], main["quote"]
    else:
        base, quote = sym["base"], sym["quote"]
        every = run_trades(conn, run, cfg)
    with localcontext() as ctx:
        ctx.prec = 80        # IRR sums carry 14 whole digits and 18 decimals: stay exact
        trades = [t for t in every if t["symbol"] == cfg["symbol"]]
        samples = desk.samples(conn, run_id)
        mid = _mark(None if remote else conn, cfg["symbol"], user, samples, trades)
        flows = _flows(trades, user)
        pos = position(trades, user, mid)
        b0, q0 = Decimal(run["base_start"]), Decimal(run["quote_start"])
        b1 = b0 + flows["buy"]["volume"] - flows["sell"]["volume"]
        q1 = q0 - flows["buy"]["notional"] + flows["sell"]["notional"] - flows["fees"]
        if mid is not None:
            hold, value = b0 * mid + q0, b1 * mid + q1
            total = value - hold
        else:    # no mark anywhere: holdings in base have no value to show, not one at 0;
            hold = value = None      # the PnL is known only when the base did not move
            total = q1 - q0 if b1 == b0 else None
        equity = [(s["ts"], Decimal(s["equity"])) for s in samples]
        alerts = _alerts(conn, run)
        analytics = live_figures(conn, run, cfg, every, samples)
        notional = flows["buy"]["notional"] + flows["sell"]["notional"]
        spread = Decimal(analytics["attribution"]["spread"])
        return {
            "run": run_id, "name": run["name"], "version": run["version"],
            "template": cfg["template"], "symbol": cfg["symbol"], "user": user,
            "mode": run["mode"], "state": run["state"], "reason": run["reason"],
            "started_ts": run["started_ts"], "stopped_ts": run["stopped_ts"],
            "base": base, "quote": quote, "mid": _text(mid),
            "trades": {"count": len(trades), **{side: {
                "count": flows[side]["count"], "volume": _text(flows[side]["volume"]),
                "notional": _text(flows[side]["notional"])} for side in ("buy", "sell")}},
            "assets_start": {base: _text(b0), quote: _text(q0)},
            "assets_now": {base: _text(b1), quote: _text(q1)},
            "hold_value": _text(hold), "strategy_value": _text(value),
            "pnl": {"realised": _text(pos.realised), "unrealised": _text(pos.unrealised),
                    "fees": _text(pos.fees), "total": _text(total),
                    "return_pct": return_pct(total, hold)},
            # one definition, the attribution's: each fill's edge against the mid it met
            "spread_captured": _text(spread),
            "spread_captured_bps": _text((spread / notional * 10_000).quantize(
                Decimal("0.01"))) if notional else None,
            "inventory": _text(b1 - b0),
            "max_inventory": _text(_max_inventory(trades, user)),
            "max_drawdown": _text(max_drawdown([e for _, e in equity]
                                               + ([] if total is None else [total]))),
            "sharpe": analytics["sharpe"], "ratios_note": analytics["ratios_note"],
            "ratios_horizon": analytics["ratios_horizon"],
            "samples": len(samples),
            **{k: analytics[k] for k in ("hedge_legs", "hedge_total", "pnl_all_legs",
                                         "pnl_all_legs_note") if k in analytics},
            "alerts": alerts,
            "analytics": analytics,
            **({"venue": "remote", "note": "market on a remote venue: the trades are the "
                "run's own fills as the runner took them from the venue"} if remote else {}),
        }


def fill_trade(f: dict, user: str) -> dict:
    """A remote run's kept fill (db.desk.fills) shaped as a trades-table row in which
    `user` is the taker (its side, fee and client id), so one set of figures reads both."""
    return {"id": f["id"], "ts": f["ts"], "symbol": f["symbol"], "price": f["price"],
            "qty": f["qty"], "taker_side": f["side"], "taker_user": user,
            "taker_fee": f["fee"], "taker_cid": f["cid"], "maker_user": None,
            "maker_fee": "0", "maker_cid": None, "base": f["base"], "quote": f["quote"]}


def run_trades(conn, run: dict, cfg: dict) -> list[dict]:
    """The run's own trades in every symbol it trades (its own and any *_symbol parameter,
    a hedger's hedge symbol), oldest first: the user's trades after the run's journal
    point, up to its stop (stamped by the runner after its last commit, so every trade it
    saw is in)."""
    T = S.TradeRow
    user = cfg["user"]
    q = select(T).where(T.symbol.in_(_symbols(cfg)) & (T.seq > run["start_seq"])
                        & ((T.maker_user == user) | (T.taker_user == user)))
    if run["stopped_ts"] is not None:
        q = q.where(T.ts <= run["stopped_ts"])
    return [dict(r) for r in conn.execute(q.order_by(T.id)).mappings()]


def _symbols(cfg: dict) -> list[str]:
    """The configuration's symbol, then the other symbols its parameters name."""
    others = {v for k, v in cfg["params"].items() if k.endswith("_symbol") and v
              and v != cfg["symbol"]}
    return [cfg["symbol"], *sorted(others)]


def _mark(conn, symbol: str, user: str, samples: list[dict],
          trades: list[dict]) -> Decimal | None:
    """The run's mark: its last sample's (the runner values equity at it, mm/desk/mark.py),
    else the same rule on the stored book (`conn`; None for a remote venue's run), else its
    last trade's price."""
    for s in reversed(samples):
        if s["mid"] is not None:
            return Decimal(s["mid"])
    at = None if conn is None else stored_mark(conn, symbol, user)
    if at is None and trades:
        return Decimal(trades[-1]["price"])
    return at


def stored_mark(conn, symbol: str, user: str | None) -> Decimal | None:
    """mm/desk/mark.py's mark on the database: the mid of the best open bid and ask of
    others than `user` (floored to 1e-9, as the engine's), else the symbol's last trade."""
    T = S.OrderRow
    q = select(T.side, T.price).where(T.symbol == symbol, T.status.in_((ACTIVE, PARTIAL)),
                                      text(OPEN_ORDER))    # ix_orders_open's predicate
    if user is not None:
        q = q.where(T.user != user)
    bid = ask = None
    for side, price in conn.execute(q):
        p = Decimal(price)
        if side == "buy":
            bid = p if bid is None else max(bid, p)
        else:
            ask = p if ask is None else min(ask, p)
    if bid is not None and ask is not None:
        return ((bid + ask) / 2).quantize(PRICE, rounding=ROUND_FLOOR)
    last = Q.symbol(conn, symbol)["last_price"]
    return None if last is None else Decimal(last)


def _sides(t: dict, user: str) -> list[tuple[str, Decimal]]:
    """(our side, our fee) for each of our legs of a trade: two for a self-trade."""
    out = []
    if t["taker_user"] == user:
        out.append((t["taker_side"], Decimal(t["taker_fee"])))
    if t["maker_user"] == user:
        out.append(("sell" if t["taker_side"] == "buy" else "buy", Decimal(t["maker_fee"])))
    return out


def _flows(trades: list[dict], user: str) -> dict:
    out = {side: {"count": 0, "volume": ZERO, "notional": ZERO} for side in ("buy", "sell")}
    fees = ZERO
    for t in trades:
        price, qty = Decimal(t["price"]), Decimal(t["qty"])
        for side, fee in _sides(t, user):
            f = out[side]
            f["count"] += 1
            f["volume"] += qty
            f["notional"] += price * qty
            fees += fee
    out["fees"] = fees
    return out


def _max_inventory(trades: list[dict], user: str) -> Decimal:
    q = most = ZERO
    for t in trades:
        for side, _ in _sides(t, user):
            q += Decimal(t["qty"]) if side == "buy" else -Decimal(t["qty"])
            most = max(most, abs(q))
    return most


def max_drawdown(equity: list[Decimal]) -> Decimal:
    """The largest fall from a running peak (the start, 0, counts as one)."""
    peak, worst = ZERO, ZERO
    for e in equity:
        peak = max(peak, e)
        worst = max(worst, peak - e)
    return worst


def sharpe(points: list[tuple[int, Decimal]]) -> float | None:
    """Mean over standard deviation of the equity's changes between samples, scaled to a
    day by the mean sample interval; None with under three samples or no variation.
    Only its sign is used (the runner's "Sharpe below zero" alert); reports show the
    analytics' ratios (mm/analytics/risk.py), with their horizon."""
    if len(points) < 3:
        return None
    diffs = [float(b - a) for (_, a), (_, b) in zip(points, points[1:])]
    mean = sum(diffs) / len(diffs)
    var = sum((d - mean) ** 2 for d in diffs) / (len(diffs) - 1)
    dt = (points[-1][0] - points[0][0]) / (len(points) - 1)
    if var <= 0 or dt <= 0:
        return None
    return mean / math.sqrt(var) * math.sqrt(DAY_NS / dt)


def _alerts(conn, run: dict) -> dict:
    end = run["stopped_ts"]
    rows = [a for a in desk.alerts(conn, source=run["name"], limit=None)
            if a["last_ts"] >= run["started_ts"] and (end is None or a["ts"] <= end)]
    rows.reverse()
    return {"count": len(rows), "repeats": sum(a["repeats"] for a in rows),
            "items": [{"ts": a["ts"], "severity": a["severity"], "kind": a["kind"],
                       "text": a["text"], "repeats": a["repeats"]} for a in rows]}


def _ratio(x: float | None) -> str | None:
    return None if x is None else f"{x:.3f}"


def _text(d: Decimal | None) -> str | None:
    """Plain decimal text at most 18 places, no exponent, no trailing zeros."""
    if d is None:
        return None
    if not d:
        return "0"
    d = d.quantize(QUANTUM) if d.as_tuple().exponent < -18 else d
    if d == d.to_integral_value():
        return format(d.quantize(Decimal(1)), "f")
    return format(d.normalize(), "f")


class _LiveRun:
    """A live run shaped like a backtest result, so mm.analytics judges both alike. Its
    mids are observations (`observed`): the runner notes the mid when it changes or fills
    come in, so a fill's market impact is the move to the first mid seen after it."""
    observed = True

    def __init__(self, symbol, fills, orders, series, mids, markets) -> None:
        self.spec = {"config": {"symbol": symbol}}
        self.fills, self.orders, self.series, self.mids = fills, orders, series, mids
        self.markets = markets


def live_figures(conn, run: dict, cfg: dict, trades: list[dict], samples: list[dict]) -> dict:
    """The backtest metrics (markouts, impact, VaR, attribution, other legs...) of a live
    or paper run, from its trades (every symbol), orders, samples and mid observations
    (the samples' marks for runs that kept none)."""
    user, symbol = cfg["user"], cfg["symbol"]
    fills = []
    for t in trades:
        for side, fee, cid in _own_legs(t, user):
            fills.append(Fill(t["ts"], t["symbol"], side, to_int(t["price"]),
                              to_int(t["qty"]), to_int(fee, AMOUNT), cid))
    O, J = S.OrderRow, S.Journal
    q = (select(O.qty, O.filled, O.status).join(J, J.seq == O.id)   # an order's id is its seq
         .where((O.user == user) & (O.symbol == symbol) & (O.id > run["start_seq"])))
    if run["stopped_ts"] is not None:
        q = q.where(J.ts <= run["stopped_ts"])
    orders = [dict(r) for r in conn.execute(q).mappings()]
    series, marks = [], []
    for smp in samples:
        mark = None if smp["mid"] is None else to_int(smp["mid"])
        series.append((smp["ts"], to_int(smp["equity"], AMOUNT), to_int(smp["inventory"]),
                       mark))
        if mark is not None and (not marks or marks[-1][1] != mark):
            marks.append((smp["ts"], mark))
    mids = [(m["ts"], to_int(m["mid"])) for m in desk.mids(conn, run["id"])] or marks
    return figures(_LiveRun(symbol, fills, orders, series, mids, _markets(conn, user)))


def _markets(conn, user: str) -> dict:
    """Every symbol as (base, quote, its stored mark now), to value a hedger's other legs
    and convert them into the run's quote asset."""
    out = {}
    for row in Q.symbols(conn):
        at = stored_mark(conn, row["name"], user)
        out[row["name"]] = (row["base"], row["quote"], None if at is None else to_int(format(at, "f")))
    return out


def _own_legs(t: dict, user: str):
    if t["taker_user"] == user:
        yield t["taker_side"], t["taker_fee"], t["taker_cid"]
    if t["maker_user"] == user:
        yield ("sell" if t["taker_side"] == "buy" else "buy"), t["maker_fee"], t["maker_cid"]
