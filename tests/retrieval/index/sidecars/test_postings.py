"""Incremental BM25: after any run of additions and retirements, the scores are those of an index
built fresh from the rows that remain, and those of bm25s on the same rows."""

from __future__ import annotations

import random
from pathlib import Path

import bm25s
import numpy as np
import pytest

from retrieval.index.sidecars.postings import Postings

WORDS = [f"w{i}" for i in range(60)]


def _rows(seed: int, n: int) -> list[list[str]]:
    rng = random.Random(seed)
    # Skewed, as words are: a few are in most rows, most in few.
    return [
        [WORDS[min(int(rng.expovariate(0.12)), 59)] for _ in range(rng.randint(3, 40))]
        for _ in range(n)
    ]


def _scores(postings: Postings, query: list[str]) -> dict[int, float]:
    return dict(postings.top(query, k=10_000))


QUERIES = [["w0"], ["w1", "w7"], ["w3", "w3", "w20"], ["w45", "w2", "w9", "w0"], ["nowhere"]]


def test_scores_equal_bm25s_on_the_same_rows() -> None:
    rows = _rows(1, 300)
    ours = Postings.build(rows)
    theirs = bm25s.BM25()
    theirs.index(rows, show_progress=False)
    for query in QUERIES[:-1]:
        expected = theirs.get_scores(query)
        got = np.zeros(len(rows))
        for row, score in ours.top(query, k=len(rows)):
            got[row] = score
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    assert ours.top(["nowhere"], k=5) == []


def test_added_and_retired_rows_score_as_a_fresh_build() -> None:
    first, second, third = _rows(2, 200), _rows(3, 50), _rows(4, 30)
    postings = Postings.build(first).added(second)
    gone = [0, 5, 199, 200, 230]
    everything = first + second
    postings = postings.retired(gone, [everything[r] for r in gone]).added(third)
    everything += third
    kept = [r for r in range(len(everything)) if r not in gone]
    fresh = Postings.build([everything[r] for r in kept])
    for query in QUERIES:
        incremental = _scores(postings, query)
        assert not set(incremental) & set(gone)
        renumbered = {kept.index(r): s for r, s in incremental.items()}
        expected = _scores(fresh, query)
        assert renumbered.keys() == expected.keys()
        for row, score in expected.items():
            assert renumbered[row] == pytest.approx(score, rel=1e-5)


def test_compaction_keeps_the_scores_and_says_which_rows_it_kept() -> None:
    rows = _rows(5, 100)
    postings = Postings.build(rows)
    gone = list(range(0, 100, 3))
    postings = postings.retired(gone, [rows[r] for r in gone])
    assert postings.needs_compaction()  # a third of the rows are dead
    compacted, kept = postings.compacted()
    assert kept.tolist() == [r for r in range(100) if r % 3]
    assert not compacted.needs_compaction() and compacted.rows == len(kept)
    for query in QUERIES:
        before = _scores(postings, query)
        after = {int(kept[r]): s for r, s in _scores(compacted, query).items()}
        assert after == pytest.approx(before)


def test_a_mask_leaves_rows_out_and_a_retired_row_stays_out() -> None:
    rows = [["storm", "coast"], ["storm"], ["coast", "harbour"]]
    postings = Postings.build(rows)
    assert [r for r, _ in postings.top(["storm"], k=5)] == [1, 0]
    mask = np.array([1, 0, 1], dtype=np.float32)
    assert [r for r, _ in postings.top(["storm"], k=5, mask=mask)] == [0]
    postings = postings.retired([0], [rows[0]])
    assert [r for r, _ in postings.top(["storm", "coast"], k=5)] == [1, 2]
    assert postings.idf().keys() == {"storm", "coast", "harbour"}
    assert postings.retired([1], [rows[1]]).idf().keys() == {"coast", "harbour"}


def test_saved_postings_load_with_the_same_scores(tmp_path: Path) -> None:
    rows = _rows(6, 80)
    postings = Postings.build(rows[:60]).added(rows[60:])  # a base and a tail both saved
    postings = postings.retired([3], [rows[3]])
    postings.save(tmp_path / "p")
    loaded = Postings.load(tmp_path / "p")
    for query in QUERIES:
        assert _scores(loaded, query) == _scores(postings, query)
    (tmp_path / "p.vocab.json").write_text('["just one"]')
    with pytest.raises(ValueError):
        Postings.load(tmp_path / "p")


@pytest.mark.parametrize("seed", [11, 12, 13])
def test_rows_added_in_parts_are_laid_out_as_one_build(seed: int) -> None:
    """Merging segments places each entry directly; the layout must be the one a single sort of
    every row gives, whatever the parts and however the vocabulary grew between them."""
    rng = random.Random(seed)
    rows = _rows(seed, 400)
    cuts = sorted(rng.sample(range(1, 400), 5))
    postings = Postings.empty()
    for begin, end in zip([0, *cuts], [*cuts, 400], strict=True):
        postings = postings.added(rows[begin:end])
        if rng.random() < 0.5 and not postings.needs_compaction():
            postings = postings.compacted()[0]  # nothing retired: the tail moves into the base
    merged, kept = postings.compacted()
    fresh = Postings.build(rows)
    assert kept.tolist() == list(range(400))
    assert merged.vocab == fresh.vocab and merged.base_rows == 400
    for ours, theirs in ((merged.base.ptr, fresh.base.ptr), (merged.base.rows, fresh.base.rows)):
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(merged.base.tf, fresh.base.tf)
    for query in QUERIES:
        assert _scores(postings, query) == pytest.approx(_scores(fresh, query))
