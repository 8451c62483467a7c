"""The OpenAPI document is served and complete enough to fuzz: a bounded schemathesis run
(fixed seed, 5 examples per operation, examples and fuzzing phases) against the live
server finds no 5xx answer and no answer that breaks the documented schema."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gw_kit import Server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(gw_market):
    """As conftest's, but the fuzzer sends malformed HTTP on purpose: uvicorn's one-line
    warning about each is the only stderr allowed."""
    s = Server(gw_market, "--rate", "0")
    yield s
    code, err = s.stop()
    assert code == 0, err
    assert all(line == "WARNING:  Invalid HTTP request received." for line in err.splitlines()), err


def test_openapi_document_lists_every_route(clients):
    doc = clients["boss"].http.get("/openapi.json").json()
    paths = set(doc["paths"])
    assert {"/auth/login", "/auth/refresh", "/auth/logout", "/users", "/users/me",
            "/users/{user_id}/suspend", "/users/{user_id}/reinstate", "/wallets",
            "/wallets/{wallet_id}/deposit", "/wallets/{wallet_id}/withdraw", "/ledger",
            "/symbols", "/sessions", "/tickers/{symbol}", "/book/{symbol}", "/orders",
            "/orders/{order_id}", "/trades"} <= paths
    assert "ProblemBody" in doc["components"]["schemas"]


def test_schemathesis_finds_no_5xx_and_no_schema_break(server, clients, tmp_path):
    st = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a test dependency (pyproject [test])"
    token = clients["alice"].tokens["access_token"]
    run = subprocess.run(
        [st, "run", server.url + "/openapi.json", "--checks",
         "not_a_server_error,response_schema_conformance", "--max-examples", "5",
         "--phases", "examples,fuzzing", "--seed", "1", "--header",
         f"Authorization: Bearer {token}", "--exclude-path", "/auth/logout",
         "--request-timeout", "60"],
        capture_output=True, text=True, timeout=1200, stdin=subprocess.DEVNULL,
        cwd=tmp_path)       # its cache folder (.schemathesis) stays out of the repository
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "failed" not in run.stdout.split("Test cases:")[-1]
