"""Answer quality through the real engine, on stores built by the real ingest.

* SQuAD 2.0, the articles the answer scorer was not trained on (``answer_scorer.json`` lists the
  ones it was): each paragraph is a document; does the first answer sentence contain a gold
  answer, how often are unanswerable questions declined, how often answerable ones?
* The seed questions with the fact each must state in its first sentence.
* BBC headlines asked as questions on a BBC store (``--bbc-store``, built by ``newsbot ingest``):
  how many are declined although their article is there, and warm latency.

Usage: uv run python -m benchmarks.answers [--bbc-store DIR] [--squad-limit N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.behaviour_snapshot import headlines
from benchmarks.common import (
    CORPUS,
    REPO,
    engine_for,
    percentile,
    require_corpus,
    save,
    write_jsonl,
)

SEED_FACTS = {
    "Who called the Kim-Putin meeting a blood alliance?": "experts",
    "What does North Korea want from Russia in return?": "food",
    "How many rail containers of weapons were shipped?": "thousands of rail cargo containers",
    "What gifts were exchanged at the summit?": "firearms",
    "Did Putin ask Kim Jong-un for weapons?": "weapons",
    "Will Russia help North Korea with satellites?": "satellite",
    "What did Blinken say about the alliance?": "desperation",
}


def first_sentence(answer: object) -> str:
    sentences = getattr(answer, "sentences", ())
    return sentences[0].text if sentences else ""


def squad(workdir: Path, limit: int | None) -> dict[str, object]:
    trained = set(
        json.loads((REPO / "retrieval/answer/answer_scorer.json").read_text())["trained_on"]
    )
    with gzip.open(CORPUS / "squad2" / "dev-v2.0-explorer.json.gz", "rt", encoding="utf-8") as f:
        articles = [a for a in json.load(f)["data"] if a["title"] not in trained]
    records = [
        {"source": f"{a['title']}#{i}", "title": a["title"].replace("_", " "), "text": p["context"]}
        for a in articles
        for i, p in enumerate(a["paragraphs"])
    ]
    corpus = workdir / "squad.jsonl"
    write_jsonl(iter(records), corpus)
    engine = engine_for(workdir / "squad-store")
    engine.ingest_paths([corpus])
    qas = [qa for a in articles for p in a["paragraphs"] for qa in p["qas"]][:limit]
    hit = declined_ok = declined_bad = answerable = 0
    for qa in qas:
        answer = engine.answer(qa["question"])
        if qa["is_impossible"]:
            declined_ok += answer.abstained
            continue
        answerable += 1
        declined_bad += answer.abstained
        first = first_sentence(answer)
        hit += (not answer.abstained) and any(a["text"] in first for a in qa["answers"])
    unanswerable = len(qas) - answerable
    return {
        "held_out_articles": len(articles),
        "questions": len(qas),
        "first_sentence_has_answer": round(hit / max(answerable, 1), 4),
        "abstention_on_unanswerable": round(declined_ok / max(unanswerable, 1), 4),
        "false_abstention": round(declined_bad / max(answerable, 1), 4),
    }


def seeds(workdir: Path) -> dict[str, object]:
    engine = engine_for(workdir / "seed-store")
    engine.ensure_documents()
    rows = {}
    for question, fact in SEED_FACTS.items():
        answer = engine.answer(question)
        rows[question] = {
            "fact": fact,
            "in_first_sentence": fact.lower() in first_sentence(answer).lower(),
            "first_sentence": first_sentence(answer) or answer.text,
        }
    return {
        "met": sum(r["in_first_sentence"] for r in rows.values()),
        "of": len(rows),
        "rows": rows,
    }


def bbc(store: Path) -> dict[str, object]:
    engine = engine_for(store)
    engine.ensure_documents()
    questions = headlines()  # every 7th headline, as the behaviour snapshot asks them
    for q in questions[:10]:
        engine.answer(q)
    declined, times = 0, []
    for q in questions:
        began = time.perf_counter()
        declined += engine.answer(q).abstained
        times.append((time.perf_counter() - began) * 1000)
    return {
        "questions": len(questions),
        "false_abstention": round(declined / len(questions), 4),
        "warm_ms_p50": round(percentile(times, 50), 1),
        "warm_ms_p95": round(percentile(times, 95), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc-store", type=Path, default=None)
    parser.add_argument("--squad-limit", type=int, default=None)
    args = parser.parse_args()
    require_corpus()
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-answers-"))
    try:
        result: dict[str, object] = {
            "seeds": seeds(workdir),
            "squad": squad(workdir, args.squad_limit),
        }
        if args.bbc_store:
            result["bbc_headlines"] = bbc(args.bbc_store)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    save("answers", result)


if __name__ == "__main__":
    main()
