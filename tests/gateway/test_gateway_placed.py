"""gateway.placed.PlacedTimes: an order's created_at read from the journal at most once
while it is open, forgotten when it closes, and never taken for another order's."""
from souq.gateway.placed import PlacedTimes


def test_open_orders_are_read_once_and_closed_ones_forgotten():
    reads = []
    journal = {7: 1_700_000_000_000_000_007, 9: 1_700_000_000_000_000_009}

    def read(ids):
        reads.append(sorted(ids))
        return {i: journal[i] for i in ids if i in journal}

    p = PlacedTimes()
    rows = p.fill([{"id": 7, "status": "active"}, {"id": 9, "status": "partial"},
                   {"id": 8, "status": "active", "placed_ts": 5}], read)
    assert [r["placed_ts"] for r in rows] == [journal[7], journal[9], 5]
    assert reads == [[7, 9]] and p.known == {7: journal[7], 9: journal[9], 8: 5}
    # known now: no read; a closed order is answered and then forgotten
    rows = p.fill([{"id": 7, "status": "cancelled"}, {"id": 9, "status": "partial"}], read)
    assert [r["placed_ts"] for r in rows] == [journal[7], journal[9]]
    assert reads == [[7, 9]] and p.known == {9: journal[9], 8: 5}
    # an id the journal lacks stays None (shown as null), and is not remembered
    (row,) = p.fill([{"id": 3, "status": "active"}], read)
    assert row["placed_ts"] is None and reads[-1] == [3] and 3 not in p.known
