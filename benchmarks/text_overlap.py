"""Token-overlap scores of extracted text against a reference text.

Used by the HTML extraction test and benchmark: bag-of-words precision, recall and F1 forgive differences
in whitespace and paragraph layout, which do not matter for retrieval, and punish lost or added words.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class OverlapScore:
    precision: float
    recall: float
    f1: float


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def token_overlap(predicted: str, reference: str) -> OverlapScore:
    got, want = tokens(predicted), tokens(reference)
    common = sum((got & want).values())
    if common == 0:
        return OverlapScore(0.0, 0.0, 0.0)
    precision = common / sum(got.values())
    recall = common / sum(want.values())
    return OverlapScore(precision, recall, 2 * precision * recall / (precision + recall))
