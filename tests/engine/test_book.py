"""engine.book.BookSide: the price index of a book side must answer exactly as the
sortedcontainers.SortedDict it replaced (same keys, same order, same levels) through any
sequence of inserts, removals and best-level removals, with keys far apart and close."""
import random

import pytest
from hypothesis import given, settings, strategies as st
from sortedcontainers import SortedDict

from souq.engine.book import BookSide
from souq.engine.matching import _best
from souq.engine.model import Level


def same(side: BookSide, ref: SortedDict, step) -> None:
    """Every reader's view of `side` equals the SortedDict's."""
    assert len(side) == len(ref) and bool(side) == bool(ref), step
    assert list(side) == list(ref) == side.keys(), step
    assert list(side.values()) == list(ref.values()), step
    assert side.items() == list(ref.items()), step
    if ref:
        assert side.peekitem(0) == ref.peekitem(0), step
        assert side.peekitem(-1) == ref.peekitem(-1) == side.peekitem(), step
        assert side.best() is ref.peekitem(0)[1], step
        assert _best(side) == ref.peekitem(0)[1].price, step
    else:
        assert side.best() is None and _best(side) is None, step
        with pytest.raises(IndexError):
            side.peekitem(0)


def apply(side: BookSide, ref: SortedDict, op: str, key: int) -> None:
    if op == "insert":
        level = Level(abs(key))
        side[key] = level
        ref[key] = level
    elif op == "remove" and key in ref:
        del side[key]
        del ref[key]
    elif op == "best" and ref:
        side.remove_best()
        del ref[ref.peekitem(0)[0]]


def test_a_side_matches_a_sorted_dict_over_many_random_steps():
    rng = random.Random(16)
    side, ref = BookSide(), SortedDict()
    for step in range(20_000):
        near = ref.peekitem(0)[0] if ref and rng.random() < 0.7 else 0
        key = near + rng.randrange(-40, 400) if near else rng.randrange(-5000, 5000)
        apply(side, ref, rng.choice(("insert", "insert", "remove", "best")), key)
        assert side.get(key) is ref.get(key) and (key in side) == (key in ref), step
        if step % 97 == 0:
            same(side, ref, step)
    same(side, ref, "end")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(("insert", "remove", "best")),
                          st.integers(-30, 30)), max_size=80))
def test_any_sequence_of_changes_leaves_the_sorted_dicts_keys_and_levels(ops):
    side, ref = BookSide(), SortedDict()
    for i, (op, key) in enumerate(ops):
        apply(side, ref, op, key)
        same(side, ref, i)


def test_inserting_under_a_present_key_replaces_its_level_in_place():
    side = BookSide()
    a, b, c = Level(1), Level(2), Level(3)
    side[1], side[2] = a, b
    side[1] = c
    assert side.items() == [(1, c), (2, b)] and side[1] is c and len(side) == 2


def test_missing_keys_raise_as_a_dict_does():
    side = BookSide()
    side[5] = Level(5)
    with pytest.raises(KeyError):
        del side[4]
    with pytest.raises(KeyError):
        side[4]
    assert side.get(4) is None and side.get(4, "x") == "x"
    assert list(side) == [5]


@pytest.mark.parametrize("kw", [{}, {"maximum": 3}, {"minimum": -2, "maximum": 3},
                                {"minimum": 0, "inclusive": (False, True)},
                                {"maximum": 4, "inclusive": (True, False), "reverse": True}])
def test_irange_answers_as_the_sorted_dicts(kw):
    side, ref = BookSide(), SortedDict()
    for k in (-5, -2, 0, 1, 3, 4, 9):
        side[k] = ref[k] = Level(abs(k))
    assert list(side.irange(**kw)) == list(ref.irange(**kw))
