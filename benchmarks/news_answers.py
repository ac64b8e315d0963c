"""Answer quality on news: our own questions on the BBC collection, through the real engine.

``benchmarks/data/news/bbc_questions.jsonl`` holds references only (question, answer strings, the
article they come from), never the articles' text. Three figures, as the answers issue asks:

* answerable questions, full store: the first answer sentence holds an answer string; false abstention;
* look-alikes (another year, person, place or event than any article's): declined, or answered
  with what the documents do say and the name they don't mention; anything else is a sibling
  confusion, answered from the wrong edition or entity;
* gold removed: the answerable questions whose answer strings occur in few articles, asked on a
  store built without those articles (only the distractors remain): abstention.

Usage: uv run python -m benchmarks.news_answers [--full-store DIR] [--without-store DIR]
Without the store options both stores are built by the real ingest (about 6 minutes each).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from benchmarks.answers import first_sentence
from benchmarks.common import REPO, bbc_records, engine_for, require_corpus, save, write_jsonl
from retrieval.engine import Engine

QUESTIONS = REPO / "benchmarks" / "data" / "news" / "bbc_questions.jsonl"
FEW = 5  # an answer string found in more articles than this cannot be removed with its article


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]


def gold_sources(questions: list[dict], records: list[dict[str, str]]) -> dict[str, set[str]]:
    """For each answerable question with rare answer strings, every article that holds one."""
    out = {}
    for q in questions:
        if not q["answers"]:
            continue
        holders = {
            r["source"]
            for r in records
            if any(a in f"{r['title']}\n{r['text']}" for a in q["answers"])
        }
        if len(holders) <= FEW:
            out[q["id"]] = holders
    return out


def store(path: Path | None, records: list[dict[str, str]], workdir: Path, name: str) -> Engine:
    if path is not None:
        engine = engine_for(path)
        engine.ensure_documents()
        return engine
    corpus = workdir / f"{name}.jsonl"
    write_jsonl(iter(records), corpus)
    engine = engine_for(workdir / name)
    engine.ingest_paths([corpus])
    return engine


def ask(engine: Engine, questions: list[dict]) -> list[dict]:
    rows = []
    for q in questions:
        answer = engine.answer(q["question"])
        first = first_sentence(answer)
        print(q["id"], "declined" if answer.abstained else "answered", (first or answer.text)[:100])
        rows.append(
            {
                "id": q["id"],
                "abstained": answer.abstained,
                "says_missing": "The documents don't mention" in answer.text,
                "hit": (not answer.abstained)
                and any(a.lower() in first.lower() for a in q["answers"]),
                # what was shown is quoted from the corpus: printed, never saved with the figures
            }
        )
    return rows


def share(rows: list[dict], key: str) -> float:
    return round(sum(r[key] for r in rows) / max(len(rows), 1), 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full-store", type=Path, default=None)
    parser.add_argument("--without-store", type=Path, default=None)
    args = parser.parse_args()
    require_corpus()
    questions = load_questions()
    records = list(bbc_records())
    gold = gold_sources(questions, records)
    removed = set().union(*gold.values())
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-news-"))
    try:
        full = store(args.full_store, records, workdir, "full")
        answerable = [q for q in questions if q["answers"]]
        lookalikes = [q for q in questions if not q["answers"]]
        on_full = ask(full, answerable)
        on_lookalikes = ask(full, lookalikes)
        without = store(
            args.without_store,
            [r for r in records if r["source"] not in removed],
            workdir,
            "without",
        )
        on_without = ask(without, [q for q in answerable if q["id"] in gold])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    save(
        "news_answers",
        {
            "answerable": {
                "questions": len(on_full),
                "first_sentence_has_answer": share(on_full, "hit"),
                "false_abstention": share(on_full, "abstained"),
            },
            "lookalikes": {
                "questions": len(on_lookalikes),
                "abstention": share(on_lookalikes, "abstained"),
                "answered_saying_what_is_missing": share(on_lookalikes, "says_missing"),
                "sibling_confusions": sum(
                    not (r["abstained"] or r["says_missing"]) for r in on_lookalikes
                ),
            },
            "gold_removed": {
                "questions": len(on_without),
                "articles_removed": len(removed),
                "abstention": share(on_without, "abstained"),
            },
            "rows": {
                "answerable": on_full,
                "lookalikes": on_lookalikes,
                "gold_removed": on_without,
            },
        },
    )


if __name__ == "__main__":
    main()
