"""Cheap lexical vectors for comparing many passages and sentences without running the dense model.

Summaries rank hundreds of passages and sentences; embedding them all with MiniLM would take seconds, so
selection and centrality work on hashed TF-IDF vectors (a fixed width, so memory stays bounded whatever the
vocabulary), and the dense embedder is kept for the handful of sentences that become key points.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
import Stemmer

_TOKEN = re.compile(r"[^\W_]+(?:[’'][^\W_]+)?", re.UNICODE)
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my no nor not now of off on once only or other our ours out over own said same she should so
    some such than that the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    mln pct year years week weeks new one two""".split()  # noqa: SIM905 - a word list reads better
)


class LexicalVectoriser:
    """Hashed, sublinear TF-IDF over one batch of texts; rows are L2-normalised (dot = cosine).

    One instance serves one summary: it remembers each word's column, so the passages and then their
    sentences are tokenised at the cost of a dictionary lookup per word.
    """

    def __init__(self, width: int = 4096) -> None:
        self._width = width
        self._stemmer = Stemmer.Stemmer("english")
        self._columns: dict[str, int] = {}

    def _column(self, word: str) -> int:
        column = self._columns.get(word)
        if column is None:
            if word in _STOP or word.isdigit():
                column = -1
            else:
                stem = self._stemmer.stemWord(word)
                column = zlib.crc32(stem.encode()) % self._width
            self._columns[word] = column
        return column

    def fit_transform(self, texts: Sequence[str], extra: Sequence[str] = ()) -> np.ndarray:
        """Vectors for ``texts`` then ``extra`` (e.g. the query), with IDF learnt from ``texts`` only.

        Only columns some row uses are kept: dot products are unchanged and products get cheaper.
        """
        rows: list[int] = []
        columns: list[int] = []
        for row, text in enumerate((*texts, *extra)):
            for word in _TOKEN.findall(text.lower()):
                column = self._column(word)
                if column >= 0:
                    rows.append(row)
                    columns.append(column)
        used, compact = np.unique(np.array(columns, dtype=np.int64), return_inverse=True)
        counts = np.zeros((len(texts) + len(extra), max(len(used), 1)), dtype=np.float32)
        np.add.at(counts, (np.array(rows, dtype=np.int64), compact), 1.0)
        present = counts > 0
        matrix = np.where(present, 1.0 + np.log(np.maximum(counts, 1.0)), 0.0).astype(np.float32)
        document_frequency = present[: len(texts)].sum(axis=0)
        idf = np.log((1.0 + len(texts)) / (1.0 + document_frequency)) + 1.0
        matrix *= idf.astype(np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return matrix / norms
