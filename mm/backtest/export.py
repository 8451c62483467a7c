"""A run's result as files: equity.csv, fills.csv, orders.csv and run.json. Pure: from the
result's plain JSON values (Result.plain, or a stored run's JSON) to {file name: text}, so
a fresh run and a stored one export the same bytes."""
import csv
import io
import json


def files(plain: dict, run: dict | None = None) -> dict[str, str]:
    """`run`: what the store knows beside the result (id, created, code version)."""
    return {
        "equity.csv": _csv(["time", "equity", "inventory", "mark"],
                           [[ts, e, q, "" if m is None else m]
                            for ts, e, q, m in plain["series"]]),
        "fills.csv": _csv(["time", "side", "price", "qty", "fee"],
                          [[f["ts"], f["side"], f["price"], f["qty"], f["fee"]]
                           for f in plain["fills"]]),
        "orders.csv": _csv(["id", "time", "side", "price", "qty", "status", "filled"],
                           [[o["id"], o["ts"], o["side"], o["price"], o["qty"], o["status"],
                             o["filled"]] for o in plain["orders"]]),
        "run.json": json.dumps({"run": run or {}, **plain}, sort_keys=True, indent=1) + "\n",
    }


def _csv(header: list[str], rows) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()
