"""Dispute detection on a labelled set of passage pairs: precision, and recall on real conflicts.

``benchmarks/data/disputes/pairs.jsonl`` holds sentence pairs written for this project (no corpus
text). The ``dev`` pairs were looked at while writing the rules; the ``dev2`` pairs were written
blind, but two of their errors then led to one more rule (a figure whose preceding word differs
fills another claim's slot), so they count as seen; the ``heldout`` pairs were written after that
and scored once. Labels: ``conflict`` (the same claim, a different number, date, name or place, or a denial),
``same`` (the same value worded differently: "Nov. 12" and "November 12", "$6.04 billion" and
"6,040 million dollars", "about 6,000" and "6,040"), and ``different_event`` (another year or
edition, or two claims that only share a word or a figure's unit). A pair is called a dispute
when the cheap topic test the assessor runs first lets it through and ``find_conflict`` finds an
incompatible value, exactly as in an answer.

Run: ``uv run python benchmarks/disputes_benchmark.py`` (prints, writes
``benchmarks/results/disputes.json``). Targets (the claim-notes issue): precision >= 0.9, recall
>= 0.6 on conflicts, names included.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.claims.disputes import find_conflict, overlaps, topic_words  # noqa: E402

PAIRS = ROOT / "benchmarks" / "data" / "disputes" / "pairs.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "disputes.json"


def disputed(a: str, b: str) -> str | None:
    """The conflict's kind when the pair is called a dispute, else None."""
    if not overlaps(topic_words(a), topic_words(b)):
        return None
    conflict = find_conflict(a, b)
    return conflict.kind if conflict else None


def evaluate(rows: list[dict[str, str]]) -> dict[str, object]:
    called = [(row, disputed(row["a"], row["b"])) for row in rows]
    conflicts = [(r, k) for r, k in called if r["label"] == "conflict"]
    flagged = [(r, k) for r, k in called if k is not None]
    true = sum(1 for r, _ in flagged if r["label"] == "conflict")
    by_slot: dict[str, dict[str, int]] = {}
    for r, k in conflicts:
        slot = by_slot.setdefault(r["slot"], {"pairs": 0, "caught": 0})
        slot["pairs"] += 1
        slot["caught"] += k is not None
    false = Counter(r["label"] for r, k in flagged if r["label"] != "conflict")
    return {
        "pairs": len(rows),
        "labels": dict(Counter(r["label"] for r in rows)),
        "precision": round(true / max(1, len(flagged)), 3),
        "recall": round(true / max(1, len(conflicts)), 3),
        "recall_by_slot": by_slot,
        "false_disputes_by_label": dict(false),
        "errors": [
            {"id": r["id"], "label": r["label"], "slot": r["slot"], "called": k}
            for r, k in called
            if (k is not None) != (r["label"] == "conflict")
        ],
        "targets": {"precision": 0.9, "recall": 0.6},
    }


def main() -> int:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line]
    result = evaluate(rows)
    result["per_split"] = {
        split: {k: v for k, v in evaluate(chosen).items() if k != "errors"}
        for split in ("dev", "dev2", "heldout")
        if (chosen := [r for r in rows if r.get("split", "dev") == split])
    }
    for split, figures in result["per_split"].items():  # type: ignore[attr-defined]
        print(f"  {split}: precision {figures['precision']:.3f}, recall {figures['recall']:.3f}")
    print(
        f"{result['pairs']} pairs: precision {result['precision']:.3f}, "
        f"recall {result['recall']:.3f}"
    )
    for slot, row in result["recall_by_slot"].items():  # type: ignore[attr-defined]
        print(f"  {slot:<9} caught {row['caught']} of {row['pairs']}")
    for error in result["errors"]:  # type: ignore[attr-defined]
        print(f"  wrong: {error}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
