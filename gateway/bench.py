"""`souq bench --api`: order placement through a live `souq serve` over loopback.

64 concurrent clients (asyncio tasks in two client processes, each its own keep-alive
connection and API key, each waiting for its answer before the next order) place limit
orders of the seeded workload; each answer arrives only once its order is durable (group
commit). Reported: orders/s, p50 and p99 latency, the
server's commands per transaction, and beside them, in the same run, the same kind of
orders through `souq replay --batch 1` (db.bench.durable). A WebSocket subscriber to the
trades channel measures the delay from the trades' commit (the message's `durable_at`:
the server's clock when the commit returned) to their arrival (p50, p99), and beside it
the delay from the trade's own timestamp (`time`, read before its batch was applied and
committed: that figure includes the batch's own time; the one figures before 2026-12-02
evening were).

Server CPU is read from /proc for the server process and, apart, for its children (the
surveillance follower: gateway.surveil), so the work moved out of the server still shows.
"""
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from souq.db import apikeys as access
from souq.db.bench import durable
from souq.db.store import Store, prepare
from souq.engine.workload import orders, setup


def _client_process(url: str, tokens: list[str], bodies: list[list[dict]]) -> tuple[list, float, dict]:
    """One client process: one event loop (uvloop when installed) and, per access token, a
    keep-alive HTTP/1.1 connection placing its bodies one after another; (latencies in s,
    the process's CPU seconds, {status: count}). Each client sends its next order only once
    the answer to the last was read in full (status line, headers, the Content-Length
    body) and checked: a 201 must carry the order's `order_id`; a 5xx or any status other
    than 201 (placed) or 422 (refused by the exchange) stops the bench. Raw requests on
    asyncio streams take several times less CPU than http.client in threads (0.15-0.22 ms
    an order on this machine), CPU the server is measured on."""
    import asyncio
    from urllib.parse import urlsplit

    where = urlsplit(url)
    cpu0 = time.process_time()
    statuses: dict[int, int] = {}

    async def one(tok, mine):
        reader, writer = await asyncio.open_connection(where.hostname, where.port)
        writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        head = (f"POST /orders HTTP/1.1\r\nHost: {where.netloc}\r\nAuthorization: Bearer {tok}"
                "\r\nContent-Type: application/json\r\nContent-Length: ").encode()
        out = []
        for body in mine:
            data = json.dumps(body).encode()
            t0 = time.perf_counter()
            writer.write(b"%s%d\r\n\r\n%s" % (head, len(data), data))
            status, answer = await _response(reader)
            out.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
            if status not in (201, 422) or (status == 201 and
                                            "order_id" not in json.loads(answer)):
                raise RuntimeError(f"POST /orders answered {status}: {answer[:300]!r}")
        writer.close()
        return out

    async def main():
        return await asyncio.gather(*(one(t, m) for t, m in zip(tokens, bodies)))

    try:
        import uvloop
        factory = uvloop.new_event_loop
    except ImportError:
        factory = None
    with asyncio.Runner(loop_factory=factory) as runner:
        lists = runner.run(main())
    return [x for xs in lists for x in xs], time.process_time() - cpu0, statuses


async def _response(reader) -> tuple[int, bytes]:
    """(status, body) of one HTTP/1.1 response read from an asyncio stream; the body by its
    Content-Length (the gateway sends one on every answer; anything else is refused)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise RuntimeError(f"an answer without Content-Length: {head[:300]!r}")
    return status, await reader.readexactly(length)


def _login(url: str, key: dict) -> str:
    """An access token for an API key."""
    import httpx
    return httpx.post(url + "/auth/login", json=key, timeout=120).json()["access_token"]


def _bodies(n: int, users: int, seed: int) -> list[dict]:
    """Limit orders of the seeded workload, as POST /orders bodies, with their owner."""
    out = []
    for o in orders(n * 2, users, seed):
        if o["op"] == "limit":
            out.append((o["user"], {"symbol": o["symbol"], "side": o["side"], "type": "limit",
                                    "price": o["price"], "quantity": o["qty"]}))
        if len(out) == n:
            break
    return out


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds a process has used so far (Linux /proc; None
    elsewhere). Less sensitive to a busy machine than wall-clock figures."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mb(pid: int) -> dict:
    """{"VmRSS": resident MB now, "VmHWM": its peak} of a process (Linux /proc; {}
    elsewhere)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return {k: round(int(v.split()[0]) / 1024, 1) for k, v in
                    (line.split(":", 1) for line in f) if k in ("VmRSS", "VmHWM")}
    except OSError:
        return {}


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 2)


def run_api_bench(orders_n: int = 6400, clients: int = 64, processes: int = 2,
                  step=lambda label: None) -> dict:
    users = clients
    with tempfile.TemporaryDirectory(prefix="souq-bench-api-") as tmp:
        tmp = Path(tmp)
        db = tmp / "api.db"
        store = Store(f"sqlite:///{db}")
        store.submit([prepare(o, "@operator") for o in setup(users)], 0)
        setup_seq = store.ex.seq
        keys = [dict(zip(("client_id", "client_secret"),
                         access.create_key(store.engine, f"u{i}", "trade"))) for i in range(users)]
        store.close()
        work = _bodies(orders_n, users, 7)
        per_client: list[list[dict]] = [[] for _ in range(clients)]
        for user, body in work:
            per_client[int(user[1:]) % clients].append(body)
        step("bench --api: starting souq serve")
        server = subprocess.Popen(
            [sys.executable, "-c", "import souq.cli.main as m; m.run()", "--db", str(db), "serve",
             "--port", "0", "--rate", "0", "--log", str(tmp / "audit.log")],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
        try:
            line = server.stdout.readline()
            url = line.split(" on ", 1)[1].split(" ", 1)[0]
            ws_lat: list[float] = []
            ws_from_trade: list[float] = []
            stop = threading.Event()
            watcher = threading.Thread(target=_watch_trades, args=(url, ws_lat, ws_from_trade, stop),
                                       daemon=True)
            watcher.start()
            # log in first (argon2 on the server, by design slow): not part of the figures
            tokens = [_login(url, key) for key in keys]
            time.sleep(0.5)
            step(f"bench --api: {clients} clients placing {len(work)} orders")
            groups = [list(range(p, clients, processes)) for p in range(processes)]
            cpu0 = cpu_seconds(server.pid)
            rss0 = memory_mb(server.pid)
            kids0 = _children_cpu(server.pid)
            with ProcessPoolExecutor(processes) as pool:
                # the client processes are started (and the logins above done) before the
                # clock starts: neither is order placement
                list(pool.map(abs, range(processes)))
                start = time.perf_counter()
                futs = [pool.submit(_client_process, url, [tokens[i] for i in g],
                                    [per_client[i] for i in g]) for g in groups]
                results = [f.result() for f in futs]
            lat = [x for xs, _, _ in results for x in xs]
            client_cpu = sum(cpu for _, cpu, _ in results)
            statuses: dict[int, int] = {}
            for _, _, counts in results:
                for code, n in counts.items():
                    statuses[code] = statuses.get(code, 0) + n
            seconds = time.perf_counter() - start
            cpu1 = cpu_seconds(server.pid)
            kids1 = _children_cpu(server.pid)
            rss1 = memory_mb(server.pid)
            time.sleep(0.5)
            stop.set()
            rss_idle = memory_mb(server.pid)     # after an idle moment's full collection
        finally:
            server.send_signal(2)
            server.wait(timeout=120)
        committed = Store(f"sqlite:///{db}", create=False)
        journal = committed.journal_length()
        committed.close()
        with sqlite3.connect(db) as conn:    # a batch's entries share its one timestamp
            commits = conn.execute("SELECT count(DISTINCT ts) FROM journal WHERE seq > ?",
                                   (setup_seq,)).fetchone()[0]
    step("bench --api: replay --batch 1 anchor")
    with tempfile.TemporaryDirectory(prefix="souq-bench-api-") as tmp:
        anchor = durable(Path(tmp) / "b1.db", min(len(work), 5000), users, 7, 1)
    return {"api": {"clients": clients, "client_processes": processes, "orders": len(lat),
                    "seconds": round(seconds, 3), "orders_per_s": round(len(lat) / seconds),
                    "p50_ms": _pct(lat, 0.50), "p99_ms": _pct(lat, 0.99),
                    "journal_entries": journal,
                    "orders_per_commit": round((journal - setup_seq) / commits, 1) if commits
                    else None,
                    "server_cpu_ms_per_order": None if cpu0 is None or cpu1 is None else
                    round((cpu1 - cpu0) * 1000 / len(lat), 3),
                    "server_children_cpu_ms_per_order": None if kids0 is None or kids1 is None
                    else round(sum(kids1.get(k, 0.0) - kids0.get(k, 0.0) for k in kids1)
                               * 1000 / len(lat), 3),
                    "statuses": {str(k): v for k, v in sorted(statuses.items())},
                    "client_cpu_ms_per_order": round(client_cpu * 1000 / len(lat), 3),
                    "server_rss_mb": {"before": rss0.get("VmRSS"), "after": rss1.get("VmRSS"),
                                      "idle_after": rss_idle.get("VmRSS"),
                                      "peak": rss_idle.get("VmHWM")}},
            "replay_batch_1": anchor,
            "ws_trade_delay": {"trades": len(ws_lat), "p50_ms": _pct(ws_lat, 0.5) if ws_lat else None,
                               "p99_ms": _pct(ws_lat, 0.99) if ws_lat else None,
                               "from_trade_time_p50_ms":
                               _pct(ws_from_trade, 0.5) if ws_from_trade else None,
                               "from_trade_time_p99_ms":
                               _pct(ws_from_trade, 0.99) if ws_from_trade else None},
            "cpus": os.cpu_count(), "load_average": os.getloadavg()}


def _children_cpu(pid: int) -> dict | None:
    """{child pid: CPU seconds} of a process's children (Linux /proc; None elsewhere)."""
    try:
        kids = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        return None
    out = {}
    for k in kids:
        cpu = cpu_seconds(k)
        if cpu is not None:
            out[k] = cpu
    return out


def _watch_trades(url: str, out: list, from_trade: list, stop: threading.Event) -> None:
    """Each trade's delay (s) from its message's `durable_at` to its arrival into `out`,
    and from the trade's own `time` into `from_trade`."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect
    with connect(url.replace("http://", "ws://") + "/ws") as ws:
        ws.send(json.dumps({"op": "subscribe", "channel": "trades", "symbol": "BTC-IRR"}))
        while not stop.is_set():
            try:
                msg = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            except ConnectionClosed:      # the server stopped at the end of the run
                return
            now = time.time()
            trades = msg.get("trades", ())
            if trades:
                durable = _epoch(msg["durable_at"])
                out += [max(0.0, now - durable)] * len(trades)
            for t in trades:
                from_trade.append(max(0.0, now - _epoch(t["time"])))


def _epoch(iso_z: str) -> float:
    """An ISO-8601 UTC time ("...Z") as seconds since the epoch."""
    from datetime import datetime
    return datetime.fromisoformat(iso_z.replace("Z", "+00:00")).timestamp()


