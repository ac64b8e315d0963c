"""How text becomes BM25 terms (English Snowball stemmer, English stop words), and the row filter
the BM25 and centroid sidecars share.

Dense vectors miss exact names and numbers that matter in news ("Ushakov", "Resolution 1718"); BM25
catches them, provided index, query and sentence scoring all cut words the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import Stemmer

from retrieval.models import SearchFilters

_TOKEN = re.compile(r"(?u)\b\w\w+\b")

# Words that frame a question rather than say what it is about ("What did X say about Y?").
# They are dropped from queries only: documents keep them, since "said" in a passage is harmless.
QUESTION_WORDS = frozenset(
    {
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does",
        "do", "doing", "done", "is", "are", "was", "were", "be", "been", "about", "say", "says",
        "said", "tell", "tells", "told", "know", "think", "mean", "happen", "happened",
        "happening", "there", "any", "anything", "please", "can", "could", "would", "should",
        "will", "latest", "recent", "recently", "news", "update", "updates", "currently", "now",
        "today", "many", "much",
    }
)  # fmt: skip


class Analyzer:
    """Lower-case, drop English stop words, Snowball-stem: the same for index, query and sentences."""

    def __init__(self) -> None:
        self._stemmer = Stemmer.Stemmer("english")
        from bm25s.stopwords import STOPWORDS_EN

        self._stop = frozenset(STOPWORDS_EN)

    def terms(self, text: str) -> list[str]:
        words = [w for w in _TOKEN.findall(text.lower()) if w not in self._stop]
        return list(self._stemmer.stemWords(words))

    def query_terms(self, text: str) -> list[str]:
        """Terms of a question, without the words that only frame it."""
        words = [
            w
            for w in _TOKEN.findall(text.lower())
            if w not in self._stop and w not in QUESTION_WORDS
        ]
        return list(self._stemmer.stemWords(words))


def filter_mask(
    filters: SearchFilters | None, date_ord: np.ndarray, sources: np.ndarray
) -> np.ndarray | None:
    """Rows (chunks or documents) that pass ``filters``; None when nothing is filtered."""
    if filters is None or filters.is_empty():
        return None
    mask = np.ones(len(date_ord), dtype=bool)
    if filters.since:
        mask &= date_ord >= filters.since.toordinal()
    if filters.until:
        mask &= (date_ord <= filters.until.toordinal()) & (date_ord > 0)
    if filters.documents:
        mask &= np.isin(sources, list(filters.documents))
    return mask


def idf_table(tokenised: Sequence[Sequence[str]]) -> dict[str, float]:
    """BM25's inverse document frequency of each term over ``tokenised`` documents."""
    frequency: dict[str, int] = {}
    for terms in tokenised:
        for term in set(terms):
            frequency[term] = frequency.get(term, 0) + 1
    n = max(len(tokenised), 1)
    return {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in frequency.items()}
