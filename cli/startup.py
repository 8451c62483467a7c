"""`souq bench --startup` (and part of `souq bench`): what starting the CLI costs.

Each command runs in a fresh interpreter, as a shell would start it; the figure is the CPU
time (user + system) of that process, the median of several runs, beside the anchor of the
same interpreter doing nothing (`python -c pass`) measured in the same run. The target is
well under 300 ms of CPU for `souq --help` and the read commands.
"""
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SOUQ = [sys.executable, "-c", "from souq.cli.main import run; run()"]
READS = {"help": ["--help"], "book": ["book", "BTC-IRR"], "wallets": ["wallets"],
         "orders": ["orders", "--limit", "20"]}


def cpu_ms(argv: list[str], env: dict) -> float:
    """CPU milliseconds (user + system) one child process spent, start to exit."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(argv[3:])} failed: {proc.stderr.read().decode().strip()}")
    proc.stderr.close()
    return (usage.ru_utime + usage.ru_stime) * 1000


def startup_figures(runs: int = 5) -> dict:
    """{"anchor_python_ms", "<command>_ms" for each of READS, "runs"}: medians of `runs`
    runs each, on a fresh demo database (so the reads read a real book)."""
    with tempfile.TemporaryDirectory(prefix="souq-startup-") as tmp:
        env = {**os.environ, "SOUQ_DB": str(Path(tmp) / "startup.db")}
        subprocess.run(SOUQ + ["init", "--demo"], env=env, check=True, capture_output=True)
        cpu_ms(SOUQ + ["wallets"], env)       # the first run compiles bytecode; not counted
        figures = {"runs": runs,
                   "anchor_python_ms": _median([sys.executable, "-c", "pass"], env, runs)}
        for name, args in READS.items():
            figures[f"{name}_ms"] = _median(SOUQ + args, env, runs)
    return figures


def _median(argv, env, runs) -> float:
    return round(statistics.median(cpu_ms(argv, env) for _ in range(runs)), 1)
