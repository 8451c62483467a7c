"""Issue 10 item 9 and the bounded fuzz test of the replay edge: any line either becomes a
command or stops the replay with a one-line ReplayError; never another exception."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from souq.db.replay import ReplayError, parse_line, replay
from souq.engine.edge import EdgeError, json_line, json_value
from souq.engine.stream import STREAM_OPS

FUZZ = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("line, message", [
    ('{"op":[]}', "line 1: field 'op' must be a JSON string, got list"),
    ('{"op":{}}', "line 1: field 'op' must be a JSON string, got dict"),
    ('{"op":{"a":"b"}}', "line 1: field 'op' must be a JSON string, got dict"),
    ('{"op":1}', "line 1: field 'op' must be a JSON string, got int"),
    ('{"op":"user","user":"a","user":"b"}', "line 1: duplicate key 'user'"),
    ('{"op":"user","op":"user","user":"a"}', "line 1: duplicate key 'op'"),
    ('{"op":"user","user":"a\\u0022","user":"b"}', "line 1: duplicate key 'user'"),
    ('{"op":"user","user":NaN}', "line 1: NaN is not valid JSON"),
    ('{"op":"user","user":Infinity}', "line 1: Infinity is not valid JSON"),
])
def test_malformed_lines_stop_the_replay_with_their_reason(line, message):
    with pytest.raises(ReplayError) as exc:
        parse_line(1, line)
    assert str(exc.value) == message


def test_duplicate_key_creates_nothing_in_memory():
    with pytest.raises(ReplayError, match="line 2: duplicate key 'user'"):
        replay(['{"op":"user","user":"a"}\n', '{"op":"user","user":"a","user":"b"}\n'])


@pytest.mark.slow
def test_cli_replay_of_the_reproducers_is_one_line_and_changes_nothing(tmp_path):
    from souq_cli import Souq
    souq = Souq(tmp_path / "x.db")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"op":"user","user":"a","user":"b"}\n')
    listy = tmp_path / "listy.jsonl"
    listy.write_text('{"op":[]}\n')
    souq.fail_all([(["replay", str(bad)], None, "line 1: duplicate key 'user'"),
                   (["replay", str(listy)], None, "line 1: field 'op' must be a JSON string")])
    assert not {"a", "b"} & {u["name"] for u in souq.json("user", "list")}


# ----------------------------------------------------------------- the fuzz tests
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False,
                         allow_infinity=False), st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda kids: st.one_of(
    st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=6), kids, max_size=3)),
    max_leaves=6)
FIELDS = sorted({f for req, opt in STREAM_OPS.values() for f in (*req, *opt)} | {"op"})
NUMBERISH = st.one_of(st.sampled_from(["1", "0", "-1", "1e999999999", "inf", "nan", "١٢",
                                       "9223372036854775808", "1.0000000001", "", " 1",
                                       "1_000", "0x10", "٣.٥"]), st.text(max_size=8))


@st.composite
def stream_objects(draw):
    op = draw(st.one_of(st.sampled_from(sorted(STREAM_OPS)), JSON_VALUES))
    obj = {"op": op}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=8, unique=True)):
        obj[key] = draw(st.one_of(NUMBERISH, JSON_VALUES, st.sampled_from(
            ["alice", "X-Y", "X", "Y", "buy", "sell", "gtc", "ioc"])))
    return obj


def _line(draw_obj, dup_key, raw):
    text = json.dumps(draw_obj)
    if dup_key and len(draw_obj) > 1:
        key = next(iter(draw_obj))
        text = text[:-1] + f", {json.dumps(key)}: \"dup\"}}"
    return raw if raw is not None else text


@FUZZ
@given(objs=st.lists(st.tuples(stream_objects(), st.booleans(),
                               st.one_of(st.none(), st.text(max_size=30))), max_size=8))
def test_fuzz_replay_edge_never_raises_anything_but_a_replay_error(objs):
    lines = [_line(o, d, raw) + "\n" for o, d, raw in objs]
    try:
        replay(lines)
    except ReplayError as exc:
        assert "\n" not in str(exc)


@FUZZ
@given(st.one_of(st.text(max_size=40), JSON_VALUES.map(json.dumps)))
def test_fuzz_fast_line_reader_agrees_with_the_strict_one(text):
    def outcome(fn):
        try:
            return ("ok", fn(text))
        except EdgeError as exc:
            return ("error", str(exc))
    fast, strict = outcome(json_line), outcome(json_value)
    assert fast[0] == strict[0]
    if fast[0] == "ok":
        assert fast[1] == strict[1]
