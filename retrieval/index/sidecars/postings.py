"""BM25 postings that take new rows and retire old ones without being rebuilt.

bm25s precomputes each posting's score, which folds the number of rows, the document frequencies
and the mean length into every number: one new document changes them all, so an upload into the
20k-document Reuters store rebuilt the whole index (13-17 s) while questions waited. These postings
keep raw term counts and work the score out at query time from the current statistics, with the
formula bm25s uses by default (Lucene's: k1 1.5, b 0.75), so a change costs what it changes and
the scores equal those of a fresh build.

Rows live in two term-major segments: a base rebuilt only on compaction, and a small tail holding
the rows added since. Retired rows are masked until a compaction drops them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np
import orjson

K1 = 1.5
B = 0.75
_GATHER = 1024  # rows whose arrays are joined into one while rows are added
_TAIL_FLOOR = 4096  # rows; below this base size the tail may reach a quarter of it anyway


@dataclass(frozen=True)
class Segment:
    """Postings of some rows, by term: term ``t`` occurs in ``rows[ptr[t]:ptr[t + 1]]``."""

    ptr: np.ndarray  # int64, one more than the terms it covers
    rows: np.ndarray  # int32
    tf: np.ndarray  # float32: how often the term occurs in the row

    @classmethod
    def empty(cls) -> Segment:
        return cls(np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32))

    @classmethod
    def from_triples(
        cls, terms: np.ndarray, rows: np.ndarray, tf: np.ndarray, n_terms: int
    ) -> Segment:
        # Stable: triples arrive in row order, and each term's rows stay in that order.
        order = np.argsort(terms, kind="stable")
        ptr = np.zeros(n_terms + 1, np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=ptr[1:])
        return cls(ptr, rows[order].astype(np.int32, copy=False), tf[order].astype(np.float32))

    def padded(self, n_terms: int) -> np.ndarray:
        """``ptr`` covering ``n_terms`` terms (the vocabulary grew since this segment was made)."""
        missing = n_terms + 1 - len(self.ptr)
        return (
            self.ptr if missing <= 0 else np.concatenate([self.ptr, np.full(missing, self.ptr[-1])])
        )

    def merged(self, later: Segment, n_terms: int) -> Segment:
        """This segment and ``later``, whose rows all come after this one's, as one.

        Each entry goes straight to its place (a term's rows from here, then from ``later``):
        sorting every entry again held several copies of a large index at once, a hundred MB and
        more while a 16 MB document was written.
        """
        if len(self.rows) == 0:
            return Segment(later.padded(n_terms), later.rows, later.tf)
        first, second = self.padded(n_terms), later.padded(n_terms)
        rows = np.empty(len(self.rows) + len(later.rows), np.int32)
        tf = np.empty(len(rows), np.float32)
        # An entry i of term t lands at i + (entries of t's predecessors in the other segment).
        for part, own, other in ((self, first, second[:-1]), (later, second, first[1:])):
            dest = np.repeat(other, np.diff(own))
            dest += np.arange(len(part.rows), dtype=np.int64)
            rows[dest] = part.rows
            tf[dest] = part.tf
            del dest
        return Segment(first + second, rows, tf)

    def triples(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        terms = np.repeat(np.arange(len(self.ptr) - 1, dtype=np.int32), np.diff(self.ptr))
        return terms, self.rows, self.tf

    def postings(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        if term >= len(self.ptr) - 1:
            return self.rows[:0], self.tf[:0]
        begin, end = self.ptr[term], self.ptr[term + 1]
        return self.rows[begin:end], self.tf[begin:end]


@dataclass(frozen=True)
class Postings:
    """One BM25 index; every change returns a new one, since searches on other threads may still
    be reading the old."""

    vocab: Mapping[str, int]
    df: np.ndarray  # int64 per term: live rows holding it
    lengths: np.ndarray  # float32 per row: its number of terms
    alive: np.ndarray  # bool per row
    base: Segment
    base_rows: int
    tail: Segment

    @classmethod
    def empty(cls) -> Postings:
        none = np.zeros(0, np.float32)
        return cls(
            {}, np.zeros(0, np.int64), none, none.astype(bool), Segment.empty(), 0, Segment.empty()
        )

    @classmethod
    def build(cls, rows: Iterable[Iterable[str]]) -> Postings:
        return cls.empty().added(rows).compacted()[0]

    @property
    def rows(self) -> int:
        return len(self.lengths)

    @cached_property
    def live_rows(self) -> int:
        return int(self.alive.sum())

    @cached_property
    def _norm(self) -> np.ndarray:
        live = self.lengths[self.alive]
        mean = float(live.mean()) if len(live) else 0.0
        return (K1 * (1 - B + B * self.lengths / (mean or 1.0))).astype(np.float32)

    def added(self, rows: Iterable[Iterable[str]]) -> Postings:
        """These rows appended, numbered from :attr:`rows` on.

        A row's words may be a generator: a whole document of 16 MB is millions of words, and
        only their ids and counts are kept.
        """
        vocab = dict(self.vocab)
        terms: list[np.ndarray] = []
        counts: list[np.ndarray] = []
        lengths: list[int] = []
        sizes: list[int] = []
        gathered: list[tuple[np.ndarray, np.ndarray]] = []
        for words in rows:
            ids = np.fromiter((vocab.setdefault(w, len(vocab)) for w in words), np.int32)
            unique, tf = np.unique(ids, return_counts=True)
            terms.append(unique)
            counts.append(tf.astype(np.float32))
            lengths.append(len(ids))
            sizes.append(len(unique))
            if len(terms) == _GATHER:  # two small arrays per row cost more than their contents
                gathered.append((np.concatenate(terms), np.concatenate(counts)))
                terms, counts = [], []
        if not lengths:
            return self
        if terms:
            gathered.append((np.concatenate(terms), np.concatenate(counts)))
        new_terms = np.concatenate([t for t, _ in gathered])
        counts = [c for _, c in gathered]
        del terms, gathered
        numbers = np.repeat(np.arange(self.rows, self.rows + len(lengths), dtype=np.int32), sizes)
        df = np.zeros(len(vocab), np.int64)
        df[: len(self.df)] = self.df
        df += np.bincount(new_terms, minlength=len(vocab))
        fresh = Segment.from_triples(new_terms, numbers, np.concatenate(counts), len(vocab))
        del new_terms, numbers, counts
        return Postings(
            vocab,
            df,
            np.concatenate([self.lengths, np.asarray(lengths, np.float32)]),
            np.concatenate([self.alive, np.ones(len(lengths), bool)]),
            self.base,
            self.base_rows,
            self.tail.merged(fresh, len(vocab)),
        )

    def retired(self, rows: Sequence[int], words: Sequence[Iterable[str]]) -> Postings:
        """These rows dropped from the scores; ``words`` are each row's terms, as it was added."""
        alive = self.alive.copy()
        df = self.df.copy()
        for row, row_words in zip(rows, words, strict=True):
            if not alive[row]:
                continue
            alive[row] = False
            ids = {self.vocab[w] for w in row_words if w in self.vocab}
            df[list(ids)] -= 1
        return Postings(self.vocab, df, self.lengths, alive, self.base, self.base_rows, self.tail)

    def needs_compaction(self) -> bool:
        dead = self.rows - self.live_rows
        tail = self.rows - self.base_rows
        return dead * 4 > self.rows or tail * 4 > max(self.base_rows, _TAIL_FLOOR)

    def compacted(self) -> tuple[Postings, np.ndarray]:
        """Live rows only, all in the base, and which old row each new row was."""
        keep = np.flatnonzero(self.alive)
        if len(keep) == self.rows:  # nothing retired: the tail joins the base as it is
            base = self.base.merged(self.tail, len(self.vocab))
            return (
                Postings(
                    self.vocab, self.df, self.lengths, self.alive, base, self.rows,
                    Segment.empty(),
                ),
                keep,
            )  # fmt: skip
        number = np.full(self.rows, -1, np.int64)
        number[keep] = np.arange(len(keep))
        parts = [self.base.triples(), self.tail.triples()]
        terms = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts])
        tf = np.concatenate([p[2] for p in parts])
        live = self.alive[rows]
        base = Segment.from_triples(terms[live], number[rows[live]], tf[live], len(self.vocab))
        return (
            Postings(
                self.vocab, self.df, self.lengths[keep], np.ones(len(keep), bool), base, len(keep),
                Segment.empty(),
            ),
            keep,
        )  # fmt: skip

    def top(
        self, words: Sequence[str], k: int, mask: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """The ``k`` best live rows for these query terms (repeats count again, as in bm25s),
        positive scores only; ``mask`` weighs each row (0 leaves it out)."""
        ids = [self.vocab[w] for w in words if w in self.vocab]
        total = self.live_rows
        if not ids or total == 0:
            return []
        norm = self._norm
        scores = np.zeros(self.rows, np.float32)
        for term in ids:
            df = int(self.df[term])
            if df <= 0:
                continue
            idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
            for segment in (self.base, self.tail):
                rows, tf = segment.postings(term)
                if len(rows):
                    scores[rows] += idf * tf / (tf + norm[rows])
        if total < self.rows:
            scores[~self.alive] = 0
        if mask is not None:
            scores *= mask
        k = min(k, len(scores))
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(r), float(scores[r])) for r in best if scores[r] > 0]

    def idf(self) -> dict[str, float]:
        """BM25's inverse document frequency of every term some live row holds."""
        n = max(self.live_rows, 1)
        return {
            w: math.log(1 + (n - f + 0.5) / (f + 0.5))
            for w, t in self.vocab.items()
            if (f := int(self.df[t])) > 0
        }

    def save(self, path: Path) -> None:
        """To ``path`` (.npz) and its vocabulary beside it (.vocab.json)."""
        np.savez(
            path.with_suffix(".npz"),
            df=self.df,
            lengths=self.lengths,
            alive=self.alive,
            base_ptr=self.base.ptr,
            base_rows=self.base.rows,
            base_tf=self.base.tf,
            base_count=np.asarray([self.base_rows]),
            tail_ptr=self.tail.ptr,
            tail_rows=self.tail.rows,
            tail_tf=self.tail.tf,
        )
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        path.with_suffix(".vocab.json").write_bytes(orjson.dumps(words))

    @classmethod
    def load(cls, path: Path) -> Postings:
        words = orjson.loads(path.with_suffix(".vocab.json").read_bytes())
        with np.load(path.with_suffix(".npz"), allow_pickle=False) as a:
            postings = cls(
                {w: i for i, w in enumerate(words)},
                a["df"],
                a["lengths"],
                a["alive"],
                Segment(a["base_ptr"], a["base_rows"], a["base_tf"]),
                int(a["base_count"][0]),
                Segment(a["tail_ptr"], a["tail_rows"], a["tail_tf"]),
            )
        if len(postings.df) != len(words) or len(postings.alive) != postings.rows:
            raise ValueError("postings do not match their vocabulary")
        return postings
