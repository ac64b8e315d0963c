"""Train the answer scorer (``retrieval/answer/answer_scorer.json``) on SQuAD 2.0, split by article.

Each question sees the sentences of its own paragraph and of the three other paragraphs of its article
nearest to it (distractors, as retrieval would bring them), ranked by MiniLM cosine. A sentence is a
positive when it contains a gold answer; unanswerable questions (half of SQuAD 2.0, written to look
answerable) contribute only negatives. Logistic regression with L2 on standardised features; on
the training articles, ``decline`` (below it a question is declined) is where 5% of answerable
questions fall, and ``threshold`` (the bar for a further answer sentence) where 10% do. The held-out
figures include a gold-removed set: answerable questions shown only their distractors. Figures on the held-out articles (never trained on) go to
``benchmarks/results/answer_scorer.json``.

Usage: uv run python -m benchmarks.train_answer_scorer [--test-share 3]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.common import CORPUS, REPO, require_corpus, save
from retrieval.answer.evidence import FEATURES, Candidate, features, idf_coverage, rarest_missing
from retrieval.index.embeddings import MiniLMEmbedder
from retrieval.index.lexical import Analyzer, idf_table
from retrieval.sentences import plain_text, split_sentences

WEIGHTS = REPO / "retrieval" / "answer" / "answer_scorer.json"
DISTRACTORS = 3
FALSE_ABSTENTION = 0.10  # the bar a second answer sentence must clear
# Below this a question is declined: at most 5% of the training articles' answerable questions,
# where declining only the hopeless half of the unanswerable ones costs too little to matter.
DECLINE_ANSWERABLE = 0.05


@dataclass
class Question:
    text: str
    answers: list[str]
    rows: list[list[float]]
    labels: list[int]


def is_test(title: str, share: int) -> bool:
    return int(hashlib.sha1(title.encode()).hexdigest(), 16) % share == 0


def build(
    articles: list[dict], model: MiniLMEmbedder, analyzer: Analyzer, *, drop_gold: bool = False
) -> list[Question]:
    """With ``drop_gold`` each answerable question sees only its distractors, the four nearest
    other paragraphs, as when the article that answers it is not in the store; questions a
    distractor happens to answer are left out."""
    paragraphs = [p for a in articles for p in a["paragraphs"]]
    contexts = [p["context"] for p in paragraphs]
    para_terms = [analyzer.terms(c) for c in contexts]
    idf = idf_table(para_terms)
    top = max(idf.values(), default=1.0)
    para_vecs = model.embed_batch(contexts)
    sentences = [[plain_text(s) for s in split_sentences(c)] for c in contexts]
    flat = [s for group in sentences for s in group]
    flat_vecs = model.embed_batch(flat)
    offsets = np.cumsum([0] + [len(g) for g in sentences])
    article_of = [i for i, a in enumerate(articles) for _ in a["paragraphs"]]
    qas = [(pi, qa) for pi, p in enumerate(paragraphs) for qa in p["qas"]]
    q_vecs = model.embed_batch([qa["question"] for _, qa in qas])
    out: list[Question] = []
    for (pi, qa), q_vec in zip(qas, q_vecs, strict=True):
        same = [j for j in range(len(paragraphs)) if article_of[j] == article_of[pi] and j != pi]
        dense = {j: float(para_vecs[j] @ q_vec) for j in [*same, pi]}
        others = sorted(same, key=lambda j: dense[j], reverse=True)
        chosen = (
            others[: DISTRACTORS + 1]
            if drop_gold
            else sorted([pi, *others[:DISTRACTORS]], key=lambda j: dense[j], reverse=True)
        )
        if drop_gold and qa["is_impossible"]:
            continue
        q_terms = analyzer.query_terms(qa["question"])
        words = {w.lower() for w in qa["question"].split()}
        answers = [a["text"] for a in qa["answers"]] if not qa["is_impossible"] else []
        rows, labels = [], []
        for rank, j in enumerate(chosen):
            passage_cov = idf_coverage(q_terms, set(para_terms[j]), idf, top)
            for k, sentence in enumerate(sentences[j]):
                terms = set(analyzer.terms(sentence))
                cand = Candidate(
                    text=sentence,
                    cosine=float(flat_vecs[offsets[j] + k] @ q_vec),
                    coverage=idf_coverage(q_terms, terms, idf, top),
                    passage_coverage=passage_cov,
                    passage_rank=rank,
                    passage_dense=dense[j],
                    passage_text=contexts[j],
                    rarest_missing=rarest_missing(q_terms, terms, idf, top),
                )
                rows.append(features(qa["question"], cand, words))
                labels.append(int((j == pi or drop_gold) and any(a in sentence for a in answers)))
        if drop_gold and any(labels):
            continue
        out.append(Question(qa["question"], [] if drop_gold else answers, rows, labels))
    return out


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 25) -> np.ndarray:
    """Logistic regression by Newton's method; x has a bias column last (not penalised)."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        w -= np.linalg.solve(hess, grad)
    return w


def evaluate(questions: list[Question], score, threshold: float) -> dict[str, float]:
    answerable = [q for q in questions if q.answers]
    impossible = [q for q in questions if not q.answers]
    top_hit = abstained_ok = abstained_bad = 0
    for q in questions:
        probs = score(np.array(q.rows))
        best = int(np.argmax(probs))
        abstains = float(probs[best]) < threshold
        if q.answers:
            abstained_bad += abstains
            top_hit += (not abstains) and bool(q.labels[best])
        else:
            abstained_ok += abstains
    top_any = sum(bool(q.labels[int(np.argmax(score(np.array(q.rows))))]) for q in answerable)
    return {
        "questions": len(questions),
        "answerable": len(answerable),
        "unanswerable": len(impossible),
        "best_sentence_has_answer": round(top_any / max(len(answerable), 1), 4),
        "answered_with_answer_first": round(top_hit / max(len(answerable), 1), 4),
        "false_abstention": round(abstained_bad / max(len(answerable), 1), 4),
        "abstention_on_unanswerable": round(abstained_ok / max(len(impossible), 1), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test-share", type=int, default=3, help="1 in N articles held out")
    args = parser.parse_args()
    require_corpus()
    with gzip.open(CORPUS / "squad2" / "dev-v2.0-explorer.json.gz", "rt", encoding="utf-8") as f:
        data = json.load(f)["data"]
    train_articles = [a for a in data if not is_test(a["title"], args.test_share)]
    test_articles = [a for a in data if is_test(a["title"], args.test_share)]
    model, analyzer = MiniLMEmbedder(), Analyzer()
    train = build(train_articles, model, analyzer)
    test = build(test_articles, model, analyzer)
    removed = build(test_articles, model, analyzer, drop_gold=True)
    x = np.array([row for q in train for row in q.rows])
    y = np.array([label for q in train for label in q.labels], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    design = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = fit(design, y)

    def score(rows: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-(((rows - mean) / scale) @ w[:-1] + w[-1])))

    best = [float(score(np.array(q.rows)).max()) for q in train if q.answers]
    threshold = float(np.quantile(best, FALSE_ABSTENTION))
    decline = float(np.quantile(best, DECLINE_ANSWERABLE))
    weights = {
        "features": list(FEATURES),
        "weights": [round(float(v), 6) for v in w[:-1]],
        "bias": round(float(w[-1]), 6),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "threshold": round(threshold, 6),
        "decline": round(decline, 6),
        "trained_on": sorted(a["title"] for a in train_articles),
    }
    WEIGHTS.write_text(json.dumps(weights, indent=1) + "\n")
    save(
        "answer_scorer",
        {
            "train_articles": len(train_articles),
            "test_articles": sorted(a["title"] for a in test_articles),
            "threshold": weights["threshold"],
            "decline": weights["decline"],
            "weights": dict(zip(FEATURES, weights["weights"], strict=True)),
            "train": evaluate(train, score, threshold),
            "held_out": evaluate(test, score, threshold),
            "held_out_at_decline": evaluate(test, score, decline),
            "held_out_gold_removed_declined": evaluate(removed, score, decline)[
                "abstention_on_unanswerable"
            ],
        },
    )
    print(f"weights written to {Path(WEIGHTS).relative_to(REPO)}")


if __name__ == "__main__":
    main()
