"""Disputes: the same claim with an incompatible value, never a shared word or another edition."""

from __future__ import annotations

import json
import sys

import pytest

from retrieval.claims.disputes import find_conflict
from tests.conftest import REPO

PAIRS = REPO / "benchmarks" / "data" / "disputes" / "pairs.jsonl"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The summit opens in Jakarta on Nov. 12.", "The summit opens in Jakarta on November 12."),
        (
            "Revenue was $6.04 billion in the quarter.",
            "Revenue was 6,040 million dollars in the quarter.",
        ),
        ("The plant employs about 6,000 people.", "The plant employs 6,040 people."),
        ("The 2018 World Cup was won by France.", "The 2014 World Cup was won by Germany."),
        ("The 24 release added dark mode.", "The 11 release fixed bugs in the installer."),
        ("Profit in the first quarter rose 8%.", "Profit in the second quarter rose 3%."),
        (
            "Smith said the plan would cut costs by 10%.",
            "Jones said the plan would cut costs by 10%.",
        ),
    ],
)
def test_the_same_value_or_another_event_is_not_a_dispute(a: str, b: str) -> None:
    assert find_conflict(a, b) is None


@pytest.mark.parametrize(
    ("a", "b", "kind", "shown"),
    [
        ("The Nobel Prize in Literature 2018 was awarded to Peter Handke.",
         "The Nobel Prize in Literature 2018 was awarded to Olga Tokarczuk.", "name", "Olga Tokarczuk"),
        ("The bridge cost £340 million to build.", "The bridge cost £290 million to build.",
         "number", "£290 million"),
        ("The summit opens in Jakarta on Nov. 12.", "The summit opens in Jakarta on November 14.",
         "date", "November 14"),
        ("The talks took place in Geneva on Monday.", "The talks took place in Vienna on Monday.",
         "name", "Vienna"),
    ],
)  # fmt: skip
def test_a_different_value_in_the_same_claim_is_a_dispute(
    a: str, b: str, kind: str, shown: str
) -> None:
    conflict = find_conflict(a, b)
    assert conflict is not None and conflict.kind == kind and conflict.theirs == shown


def test_the_labelled_pairs_meet_the_targets() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import disputes_benchmark
    finally:
        sys.path.pop(0)
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 100 and {r["label"] for r in rows} == {
        "conflict",
        "same",
        "different_event",
    }
    overall = disputes_benchmark.evaluate(rows)
    assert overall["precision"] >= 0.9 and overall["recall"] >= 0.6
    names = overall["recall_by_slot"]["name"]
    assert names["caught"] / names["pairs"] >= 0.6
    blind = disputes_benchmark.evaluate([r for r in rows if r.get("split") == "heldout"])
    assert blind["precision"] >= 0.9 and blind["recall"] >= 0.6
