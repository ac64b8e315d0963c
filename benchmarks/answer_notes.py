"""Which notes answers carry on a store where no two sources disagree (BBC), and what they cost.

Asks the news questions (``benchmarks/data/news/bbc_questions.jsonl``) and every 15th BBC headline
as a question through the real engine, and counts, per note kind, the share of answers carrying
one; a ``disputed`` note there is almost always a false alarm (the claim-notes issue: at most 5%).
Also the notes' share of answer time, and how often a note names a file instead of a title.

Usage: uv run python -m benchmarks.answer_notes [--store DIR] (without it, a BBC store is built
by the real ingest in a temporary directory, about 6 minutes; pass the same DIR again to reuse).
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.common import bbc_records, engine_for, require_corpus, save, write_jsonl
from benchmarks.news_answers import load_questions

FILE_NAME = re.compile(r"\b[\w-]+\.(?:txt|html?|json|gz)\b")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--every", type=int, default=15, help="every Nth headline is asked")
    args = parser.parse_args()
    require_corpus()
    records = list(bbc_records())
    store = args.store or Path(tempfile.mkdtemp(prefix="newsbot-notes-")) / "bbc"
    engine = engine_for(store)
    if engine.store.is_empty():
        corpus = store.parent / "bbc.jsonl"
        write_jsonl(iter(records), corpus)
        engine.ingest_paths([corpus])
    engine.ensure_documents()
    questions = [q["question"] for q in load_questions()]
    questions += [r["title"] for r in records[:: args.every]]
    answered = 0
    kinds: Counter[str] = Counter()
    file_names = 0
    share_of_time = []
    disputed = []
    for question in questions:
        answer = engine.answer(question)
        if answer.abstained:
            continue
        answered += 1
        for kind in {n.kind.value for n in answer.notes}:
            kinds[kind] += 1
        file_names += any(FILE_NAME.search(n.text) for n in answer.notes)
        total = answer.timings_ms.get("total", 0.0)
        if total:
            share_of_time.append(answer.timings_ms.get("notes", 0.0) / total)
        disputed.extend(
            {"question": question, "note": n.text}
            for n in answer.notes
            if n.kind.value == "disputed"
        )
    save(
        "answer_notes",
        {
            "questions": len(questions),
            "answered": answered,
            "share_of_answers_with_note": {
                k: round(v / max(1, answered), 3) for k, v in kinds.items()
            },
            "answers_naming_a_file": file_names,
            "notes_share_of_answer_time_median": round(statistics.median(share_of_time or [0]), 3),
            "disputed_notes": disputed,  # note texts quote titles and figures, not article text
            "targets": {"disputed_share": 0.05},
        },
    )


if __name__ == "__main__":
    main()
