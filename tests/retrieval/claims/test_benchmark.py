"""The labelled set and the benchmark: references resolve, the text has not drifted, targets hold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / ".." / "shared" / "corpus"
LABELS = REPO / "benchmarks" / "data" / "claims" / "labels.jsonl"

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not beside the repo"
)


def test_labelled_set_shape_and_no_copied_corpus_text() -> None:
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 150
    assert {r["label"] for r in rows} == {"reported", "unconfirmed", "opinion"}
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert {"path", "start", "end", "sha", "kind", "label"} <= row.keys()
        if not row["path"].startswith("seeds/"):
            assert "text" not in row, f"{row['id']} stores corpus text"


@needs_corpus
@pytest.mark.shared
@pytest.mark.slow
def test_benchmark_meets_the_issue_targets(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import claims_benchmark
    finally:
        sys.path.pop(0)
    out = tmp_path / "claims.json"
    assert claims_benchmark.main(["--out", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["drifted"] == []
    assert result["items"] >= 150
    rules, notes, check = (result["modes"][m] for m in ("rules", "notes", "check"))
    # The rules alone keep the targets they were written to (this set's dev part tuned them).
    for status in ("unconfirmed", "opinion"):
        assert rules["per_status"][status]["precision"] >= 0.9
        assert rules["per_status"][status]["recall"] >= 0.85
    assert rules["false_unconfirmed_rate_on_reported"] <= 0.05
    # With the classifiers: the claim-notes issue's targets, on a domain they were not trained on.
    for mode in (notes, check):
        assert mode["per_status"]["unconfirmed"]["recall"] >= 0.5
        assert mode["per_status"]["opinion"]["f1"] >= 0.6
        assert mode["false_unconfirmed_rate_on_plain_facts"] <= 0.03
    assert notes["per_status"]["unconfirmed"]["precision"] >= 0.75
    assert notes["false_opinion_rate_on_reported"] <= 0.05
