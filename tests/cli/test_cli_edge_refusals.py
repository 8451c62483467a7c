"""What a person types wrong is refused at the CLI's edge, through the real `souq` script:
one line naming the bad argument, a non-zero exit, and nothing journalled (no rejected
order, no changed balance). Only business rules (funds, band, tick ...) are journalled as
rejected orders with their reason."""
import sqlite3

import pytest

PRICE = "100000000"


def journal(souq) -> list[tuple]:
    """Every journal row's (seq, op, status): what the exchange recorded."""
    with sqlite3.connect(souq.db) as conn:
        return conn.execute("SELECT seq, op, status FROM journal ORDER BY seq").fetchall()


def limit(cid, user, side, qty, price):
    return {"op": "limit", "id": cid, "user": user, "symbol": "BTC-IRR", "side": side,
            "price": price, "qty": qty}


# (arguments, acting user, the one error line)
REFUSED = [
    # order place: numbers and symbols
    (("order", "place", "BTC-IRR", "buy", "abc", "-p", PRICE), "alice",
     "error: qty 'abc' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "-1", "-p", PRICE), "alice",
     "error: qty must be positive, got '-1'"),
    (("order", "place", "BTC-IRR", "buy", "1e3", "-p", PRICE), "alice",
     "error: qty '1e3' uses exponent notation; write it as a plain decimal"),
    (("order", "place", "BTC-IRR", "buy", "9" * 25, "-p", PRICE), "alice",
     f"error: qty '{'9' * 25}' is absurdly large (limit 1,000,000,000,000,000)"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "abc"), "alice",
     "error: price 'abc' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "-1"), "alice",
     "error: price must be positive, got '-1'"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "1e8"), "alice",
     "error: price '1e8' uses exponent notation"),
    (("order", "place", "BTC-IRR", "buy", "NaN", "-p", PRICE), "alice",
     "error: qty 'NaN' is not a finite number"),
    (("order", "place", "BTC-IRR", "buy", "0.0000000001", "-p", PRICE), "alice",
     "error: qty '0.0000000001' has more than 9 decimal places"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", PRICE, "--stop", "abc"), "alice",
     "error: stop_price 'abc' is not a plain decimal number"),
    (("order", "place", "DOGE-IRR", "buy", "0.1", "-p", PRICE), "alice",
     "error: unknown symbol 'DOGE-IRR'; known: BTC-IRR"),
    (("order", "place", "BTC-IRR", "buy", "inf", "-p", PRICE), "alice",
     "error: qty 'inf' is not a finite number"),
    (("order", "place", "BTC-IRR", "buy", "", "-p", PRICE), "alice",
     "error: qty '' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "nan"), "alice",
     "error: price 'nan' is not a finite number"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "-inf"), "alice",
     "error: price '-inf' is not a finite number"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", ""), "alice",
     "error: price '' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", "100000000.0000000001"), "alice",
     "error: price '100000000.0000000001' has more than 9 decimal places"),
    (("order", "place", "BTC-IRR", "buy", "1,000", "-p", PRICE), "alice",
     "error: qty '1,000' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", " 1", "-p", PRICE), "alice",
     "error: qty ' 1' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "0x10", "-p", PRICE), "alice",
     "error: qty '0x10' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "buy", "\u0661", "-p", PRICE), "alice",
     "error: qty '\u0661' is not a plain decimal number"),
    (("order", "place", "BTC-IRR", "sell", "0.1", "--stop", "inf"), "alice",
     "error: stop_price 'inf' is not a finite number"),
    # a client id its user already used: no order can take it
    (("order", "place", "BTC-IRR", "buy", "0.1", "-p", PRICE, "--id", "a1"), "alice",
     "error: duplicate client order id 'a1' for alice"),
    (("order", "place", "BTC-IRR", "sell", "0.1", "-p", PRICE, "--id", "b1", "--user", "bob"),
     None, "error: duplicate client order id 'b1' for bob"),
    # cancels and amends of orders that do not exist or are not one's own
    (("order", "cancel", "nope"), "alice", "error: unknown order id 'nope' for alice"),
    (("order", "cancel", "2"), "alice",          # an order number typed as a client id
     "error: unknown order id '2' for alice (a client id; order number 2 is written #2)"),
    (("order", "cancel", "#999"), "alice", "error: no order #999 of alice"),
    (("order", "amend", "#999", "-p", PRICE), "alice", "error: no order #999 of alice"),
    (("order", "cancel", "b1"), "alice", "error: unknown order id 'b1' for alice"),
    (("order", "cancel", "b1", "--user", "bob"), "alice", "error: alice may not act for bob"),
    (("order", "amend", "nope", "-p", PRICE), "alice", "error: unknown order id 'nope' for alice"),
    (("order", "amend", "b1", "-p", PRICE, "--user", "bob"), "alice",
     "error: alice may not act for bob"),
    (("order", "amend", "a1", "-p", "abc"), "alice", "error: price 'abc' is not a plain decimal"),
    (("order", "amend", "a1", "--qty", "1e3"), "alice", "error: qty '1e3' uses exponent notation"),
    (("order", "amend", "a1", "--qty", "-1"), "alice", "error: qty must be positive"),
    (("order", "amend", "a1", "-p", "nan"), "alice", "error: price 'nan' is not a finite number"),
    (("order", "amend", "a1", "-p", ""), "alice", "error: price '' is not a plain decimal number"),
    (("order", "amend", "a1", "--qty", "inf"), "alice", "error: qty 'inf' is not a finite number"),
    (("order", "amend", "a1", "--qty", "0.0000000001"), "alice",
     "error: qty '0.0000000001' has more than 9 decimal places"),
    (("order", "cancel-all", "--symbol", "NOPE"), "alice", "error: unknown symbol 'NOPE'"),
    # money: unknown assets and users, bad amounts
    (("deposit", "alice", "DOGE", "5"), None,
     "error: unknown asset 'DOGE'; no symbol trades it (known: BTC, IRR)"),
    (("withdraw", "alice", "DOGE", "5"), None, "error: unknown asset 'DOGE'"),
    (("deposit", "ghost", "IRR", "5"), None, "error: unknown user 'ghost'"),
    (("deposit", "alice", "IRR", "abc"), None, "error: amount 'abc' is not a plain decimal"),
    (("withdraw", "alice", "IRR", "--", "-5"), None, "error: amount must be positive"),
    (("deposit", "alice", "IRR", "nan"), None, "error: amount 'nan' is not a finite number"),
    (("deposit", "alice", "IRR", "inf"), None, "error: amount 'inf' is not a finite number"),
    (("deposit", "alice", "IRR", ""), None, "error: amount '' is not a plain decimal number"),
    (("deposit", "alice", "IRR", "1e3"), None,
     "error: amount '1e3' uses exponent notation; write it as a plain decimal"),
    (("deposit", "alice", "IRR", "1." + "0" * 18 + "1"), None,
     f"error: amount '1.{'0' * 18}1' has more than 18 decimal places"),
    (("withdraw", "alice", "IRR", "abc"), None, "error: amount 'abc' is not a plain decimal"),
    (("withdraw", "alice", "IRR", "nan"), None, "error: amount 'nan' is not a finite number"),
    (("withdraw", "ghost", "IRR", "5"), None, "error: unknown user 'ghost'"),
    (("session", "open", "BTC-IRR", "--maker-fee", "nan"), None,
     "error: maker_fee 'nan' is not a finite number"),
    (("symbol", "add", "FOO-IRR", "--base", "FOO", "--quote", "IRR", "--tick", "1e3",
      "--step", "1"), None, "error: tick_size '1e3' uses exponent notation"),
    (("symbol", "add", "foo-irr", "--base", "FOO", "--quote", "IRR", "--tick", "1",
      "--step", "1"), None, "error: symbol name 'foo-irr' must be upper case letters, digits and _ . - (like BTC-IRR)"),
    # an empty database URL, even with SOUQ_DB set (as these calls have it)
    (("--db", "", "wallets"), None, "error: --db (SOUQ_DB) is empty; give a database file or "
     "SQLAlchemy URL, or leave --db (SOUQ_DB) out for the default database"),
    (("--db", " ", "orders"), "alice", "error: --db (SOUQ_DB) is empty"),
    (("symbol", "add", "FOO-IRR", "--base", "FOO", "--quote", "IRR", "--tick", "1",
      "--step", "1", "--ref-price", "inf"), None, "error: ref_price 'inf' is not a finite"),
    # symbols, sessions, assets, users that do not exist
    (("asset", "precision", "NOPE", "2"), None, "error: unknown asset 'NOPE'"),
    (("asset", "precision", "IRR", "abc"), None, "error: precision 'abc' must be a whole number"),
    (("session", "open", "NOPE"), None, "error: unknown symbol 'NOPE'"),
    (("session", "close", "NOPE"), None, "error: unknown symbol 'NOPE'"),
    (("session", "open", "BTC-IRR", "--opening-price", "abc"), None,
     "error: opening_price 'abc' is not a plain decimal number"),
    (("symbol", "deactivate", "NOPE"), None, "error: unknown symbol 'NOPE'"),
    (("symbol", "activate", "NOPE"), None, "error: unknown symbol 'NOPE'"),
    (("user", "suspend", "ghost"), None, "error: unknown user 'ghost'"),
    (("user", "reinstate", "ghost"), None, "error: unknown user 'ghost'"),
    # read filters naming nothing listed
    (("orders", "--symbol", "NOPE"), "alice", "error: unknown symbol 'NOPE'"),
    (("trades", "--symbol", "NOPE"), "alice", "error: unknown symbol 'NOPE'"),
    (("book", "NOPE"), "alice", "error: unknown symbol 'NOPE'"),
    (("ledger", "--asset", "DOGE"), "alice", "error: unknown asset 'DOGE'"),
    (("orders", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("trades", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("wallets", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("ledger", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("key", "list", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("audit", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    (("cases", "list", "--user", "ghost"), None, "error: unknown user 'ghost'"),
    # a trader asking for someone else's data learns nothing of who exists
    (("orders", "--user", "ghost"), "alice", "error: alice may not see ghost's data"),
]


@pytest.mark.timeout(1800)   # about 50 CLI processes: a hang guard, not a speed limit
def test_typing_mistakes_are_refused_at_the_edge_and_nothing_is_journalled(market):
    market.feed(limit("a1", "alice", "buy", "0.1", "99000000"),
                limit("b1", "bob", "sell", "0.1", "101000000"))
    before = journal(market), market.json("wallets"), market.json("orders")
    market.fail_all([(args, user, match) for args, user, match in REFUSED])
    exact = [c for c in REFUSED if c[0][:2] in (("order", "cancel"), ("--db", ""))]
    for args, user, match in REFUSED[:3] + REFUSED[-5:-4] + exact:   # the whole line, exactly
        r = market.run(*args, as_user=user)
        assert (r.returncode, r.stdout, r.stderr) == (1, "", match + "\n")
    assert (journal(market), market.json("wallets"), market.json("orders")) == before


def test_an_order_number_cancels_and_amends_as_written_with_its_hash(market):
    """`#N` names order number N (as `souq orders` and the gateway number orders; no client
    id starts with '#'); the order's own client id still works."""
    market.feed(limit("big", "bob", "buy", "0.1", "99000000"),
                limit("b2", "bob", "buy", "0.1", "98000000"))
    big, b2 = market.json("orders", as_user="bob")
    r = market.run("order", "amend", f"#{big['id']}", "-p", "99001000", as_user="bob")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    r = market.run("order", "cancel", f"#{big['id']}", as_user="bob")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    market.fail_all([(("order", "cancel", f"#{b2['id']}"), "alice",
                      f"error: no order #{b2['id']} of alice")])
    rows = {o["client_id"]: (o["status"], o["price"]) for o in market.json("orders", as_user="bob")}
    assert rows == {"big": ("cancelled", "99001000"), "b2": ("active", "98000000")}


def test_business_rejections_are_still_journalled_with_their_reason(market):
    seqs = len(journal(market))
    r = market.run("order", "place", "BTC-IRR", "buy", "0.1", "-p", "106000000", "--id", "band",
                   as_user="alice")
    assert r.returncode == 1
    assert r.stderr == ("error: order rejected: price 106,000,000 is outside the daily band "
                        "95,000,000-105,000,000\n")
    rows = journal(market)
    assert rows[seqs:] == [(seqs + 1, "limit", "rejected")]
    [order] = market.json("orders", as_user="alice")
    assert (order["client_id"], order["status"], order["qty"], order["price"]) == \
        ("band", "rejected", "0.1", "106000000")


def test_an_amount_finer_than_the_assets_precision_is_refused(market):
    """Once the operator sets an asset's precision, a deposit or withdrawal of a fraction
    of its smallest unit (0.5 IRR with IRR at 0 places) is refused naming the amount and
    the precision, and nothing is journalled; a whole amount still moves."""
    market.ok("asset", "precision", "IRR", "0")
    market.ok("asset", "precision", "BTC", "4")
    before = journal(market), market.json("wallets")
    market.fail_all([
        (("deposit", "alice", "IRR", "0.5"), None,
         "error: amount '0.5' is finer than IRR's precision of 0 decimal places"),
        (("withdraw", "alice", "IRR", "100.01"), None,
         "error: amount '100.01' is finer than IRR's precision of 0 decimal places; only a "
         "withdrawal of the whole available balance may be"),
        (("deposit", "alice", "BTC", "0.00001"), None,
         "error: amount '0.00001' is finer than BTC's precision of 4 decimal places"),
    ])
    assert (journal(market), market.json("wallets")) == before
    market.ok("deposit", "alice", "IRR", "5.000")
    market.ok("deposit", "alice", "BTC", "0.0001")


def test_a_remainder_finer_than_the_precision_can_always_be_withdrawn_whole(market):
    """The precision rounds fees, not trades' notionals, so a wallet can hold a remainder
    finer than it (here deposited before the precision was set): withdrawing the whole
    available balance passes, so it is never stranded; any other fraction is refused."""
    market.ok("deposit", "alice", "IRR", "0.5")
    market.ok("asset", "precision", "IRR", "0")
    [w] = [w for w in market.json("wallets", "--user", "alice") if w["asset"] == "IRR"]
    assert (w["available"], w["hold"]) == ("2000000000.5", "0")
    market.fail_all([
        (("withdraw", "alice", "IRR", "1999999999.5"), None,
         "error: amount '1999999999.5' is finer than IRR's precision of 0 decimal places; "
         "only a withdrawal of the whole available balance may be"),
    ])
    market.ok("withdraw", "alice", "IRR", "2000000000.5")
    [w] = [w for w in market.json("wallets", "--user", "alice") if w["asset"] == "IRR"]
    assert (w["available"], w["hold"]) == ("0", "0")


def test_whole_and_decimal_options_read_ascii_digits_only(market):
    """click reads typed options with int() and float(), which also take Arabic-Indic and
    fullwidth digits, '1_0' and 'inf': `mm run --duration ١` ran a strategy. Every whole-
    number or decimal option and argument of every command now refuses such text with one
    line naming it (cli/main.py ascii_numbers), and nothing is journalled."""
    before = journal(market)
    market.fail_all([
        (("orders", "--limit", "١"), None,
         "error: Invalid value for '--limit': '١' is not a whole number in ASCII digits"),
        (("orders", "--limit", "１"), None, "'１' is not a whole number in ASCII digits"),
        (("ledger", "--limit", "1_0"), None, "'1_0' is not a whole number in ASCII digits"),
        (("book", "BTC-IRR", "--depth", "٣"), None, "'٣' is not a whole number"),
        (("mm", "run", "nope", "--duration", "١"), None,
         "error: Invalid value for '--duration': '١' is not a finite number in ASCII digits"),
        (("mm", "run", "nope", "--duration", "inf"), None,
         "'inf' is not a finite number in ASCII digits"),
        (("mm", "stop", "nope", "--timeout", "-Infinity"), None,
         "'-Infinity' is not a finite number in ASCII digits"),
        (("runs", "show", "١"), None,
         "error: Invalid value for 'run': '١' is not a whole number in ASCII digits"),
    ])
    assert journal(market) == before
    assert market.ok("orders", "--limit", "1").count("\n") > 0      # ASCII still reads


def test_an_empty_file_path_is_refused_naming_it(market):
    """pathlib reads '' as '.': `souq replay ''` said "error: .: is a directory" and
    `souq data import ''` "no file '.'", a path nobody typed. Every file argument now
    refuses an empty or blank path in one line (cli/main.py nonempty_paths)."""
    before = journal(market)
    market.fail_all([
        (("replay", ""), None, "error: Invalid value for 'file': the path is empty"),
        (("replay", "  "), None, "error: Invalid value for 'file': the path is empty"),
        (("data", "import", "", "--name", "x", "--kind", "trades", "--symbol", "BTC-IRR"),
         None, "error: Invalid value for 'file': the path is empty"),
    ])
    assert journal(market) == before


def test_every_commands_help_is_dedented():
    """`souq data import --help` read "the file is     stored whole" (its docstring
    joined to the columns' help without cleandoc): no command's help keeps a docstring's
    indentation."""
    from souq.cli.main import command

    def leaves(group, path=""):
        for name, cmd in group.commands.items():
            if hasattr(cmd, "commands"):
                yield from leaves(cmd, f"{path}{name} ")
            else:
                yield f"{path}{name}", cmd
    indented = [path for path, cmd in leaves(command(load_all=True))
                if "\n " in (cmd.help or "")]
    assert indented == []


def test_an_admin_command_that_would_change_nothing_is_refused(market):
    """Suspending a suspended user, reinstating an active one, deactivating an inactive
    symbol, activating an active one and setting an asset's precision to the places it has
    are refused as revoking a revoked key is (engine.admission.no_change): one line, exit
    1, nothing journalled. Each was journalled and reported as done before."""
    market.ok("user", "suspend", "bob")
    market.ok("symbol", "deactivate", "BTC-IRR")
    market.ok("asset", "precision", "IRR", "2")
    before = journal(market)
    market.fail_all([
        (("user", "suspend", "bob"), None, "error: user bob is already suspended"),
        (("user", "reinstate", "alice"), None, "error: user alice is already active"),
        (("symbol", "deactivate", "BTC-IRR"), None, "error: symbol BTC-IRR is already inactive"),
        (("asset", "precision", "IRR", "2"), None, "error: IRR precision is already 2 decimal places"),
        (("asset", "precision", "IRR", "02"), None, "error: IRR precision is already 2 decimal places"),
    ])
    assert journal(market) == before
    market.ok("user", "reinstate", "bob")
    market.ok("symbol", "activate", "BTC-IRR")
    market.fail_all([
        (("user", "reinstate", "bob"), None, "error: user bob is already active"),
        (("symbol", "activate", "BTC-IRR"), None, "error: symbol BTC-IRR is already active"),
    ])
    assert len(journal(market)) == len(before) + 2
