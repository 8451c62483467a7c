"""gateway.shapes.iso remembers the last time it formatted (a batch's orders and trades
share one): whatever came before, each call gives that time's own text."""
from souq.gateway.shapes import iso

A, B = 1796303412619188836, 1796303412619189836       # 1 µs apart


def test_the_remembered_time_never_answers_for_another():
    assert [iso(A), iso(A), iso(B), iso(A), iso(None), iso(0), iso(0), iso(B)] == [
        "2026-12-03T13:10:12.619188Z", "2026-12-03T13:10:12.619188Z",
        "2026-12-03T13:10:12.619189Z", "2026-12-03T13:10:12.619188Z", None,
        "1970-01-01T00:00:00.000000Z", "1970-01-01T00:00:00.000000Z",
        "2026-12-03T13:10:12.619189Z"]
