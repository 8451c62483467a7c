"""Run the real `souq` console script in a subprocess, always against a database inside
the test's tmp_path. Imported by tests/conftest.py and the CLI and database tests."""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def souq_argv() -> list[str]:
    """The installed console script beside this interpreter, else the app via -c."""
    bindir = Path(sys.executable).parent
    script = shutil.which("souq", path=str(bindir))
    if script:
        return [script]
    return [sys.executable, "-c", "import souq.cli.main as m; getattr(m, 'run', m.app)()"]


SOUQ = souq_argv()


class Souq:
    """The CLI bound to one database (passed as SOUQ_DB, or --db when db_flag): the file
    `db`, or the SQLAlchemy `url` when given (then `db` only names the folder for side
    files such as logs and feeds)."""

    pycache: Path | None = None     # compiled bytecode shared by this session's calls

    def __init__(self, db: Path, *, db_flag: bool = False, url: str | None = None) -> None:
        self.db = Path(db)
        self.db_flag = db_flag
        self.url = url

    @property
    def db_url(self) -> str:
        """The database as a SQLAlchemy URL (SQLite file or the given URL)."""
        return self.url or f"sqlite:///{self.db}"

    def argv(self, args, as_user=None) -> list[str]:
        pre = ["--db", self.url or str(self.db)] if self.db_flag else []
        if as_user is not None:
            pre += ["--as", as_user]
        return SOUQ + pre + [str(a) for a in args]

    def env(self) -> dict:
        env = dict(os.environ)
        env.pop("SOUQ_DB", None)
        if self.pycache is not None:   # start-up is most of a call: compile once, not per call
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(self.pycache)
        if not self.db_flag:
            env["SOUQ_DB"] = self.url or str(self.db)
        return env

    def run(self, *args, as_user=None, timeout=300) -> subprocess.CompletedProcess:
        return subprocess.run(self.argv(args, as_user), env=self.env(), capture_output=True,
                              text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def popen(self, *args, as_user=None, **kw) -> subprocess.Popen:
        kw.setdefault("stdin", subprocess.DEVNULL)
        return subprocess.Popen(self.argv(args, as_user), env=self.env(), **kw)

    def run_all(self, calls) -> list[subprocess.CompletedProcess]:
        """Several independent invocations [(args, as_user)] side by side (start-up is
        most of a call's cost); results in the order given."""
        with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
            return list(pool.map(lambda c: self.run(*c[0], as_user=c[1]), calls))

    def jsons(self, *calls, as_user=None) -> list:
        """`--json` reads run side by side: jsons(("wallets",), ("orders", "--user", "x"))."""
        results = self.run_all([((*c, "--json"), as_user) for c in calls])
        for c, r in zip(calls, results):
            assert r.returncode == 0 and r.stderr == "", f"souq {c}: {r.stderr}"
        return [json.loads(r.stdout) for r in results]

    def fail_all(self, cases) -> None:
        """Independent failing calls [(args, as_user, match)] side by side; each must exit
        non-zero with exactly one stderr line containing match."""
        results = self.run_all([(args, as_user) for args, as_user, _ in cases])
        problems = []
        for (args, as_user, match), r in zip(cases, results):
            lines = r.stderr.splitlines()
            if (r.returncode == 0 or len(lines) != 1 or not lines[0].startswith("error: ")
                    or match not in lines[0]):
                problems.append(f"--as {as_user} {' '.join(map(str, args))}: exit {r.returncode}, "
                                f"stderr {r.stderr!r}, wanted {match!r}")
        assert not problems, "\n".join(problems)

    def feed(self, *objs) -> None:
        """Set-up in one process: the stream objects through `souq replay`, all accepted."""
        path = self.db.with_name(f"{self.db.stem}-feed.jsonl")
        path.write_text("".join(json.dumps(o) + "\n" for o in objs))
        out = self.ok("replay", path)
        assert f"{len(objs):,} accepted, 0 rejected" in out, out

    def ok(self, *args, as_user=None) -> str:
        """Run, insist on exit 0 and a quiet stderr; the stdout."""
        r = self.run(*args, as_user=as_user)
        assert r.returncode == 0, f"souq {' '.join(map(str, args))} -> {r.returncode}: {r.stderr}"
        assert r.stderr == "", r.stderr
        return r.stdout

    def json(self, *args, as_user=None):
        return json.loads(self.ok(*args, "--json", as_user=as_user))

    def fails(self, *args, as_user=None, match: str = "") -> str:
        """Run, insist on a non-zero exit and exactly one stderr line naming the problem."""
        r = self.run(*args, as_user=as_user)
        assert r.returncode != 0, f"souq {' '.join(map(str, args))} succeeded: {r.stdout}"
        lines = r.stderr.splitlines()
        assert len(lines) == 1, f"want one error line, got {r.stderr!r}"
        assert lines[0].startswith("error: "), lines[0]
        assert match in lines[0], f"{match!r} not in {lines[0]!r}"
        return lines[0]


