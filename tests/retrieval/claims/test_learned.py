"""The learned hedge and opinion classifiers: bundled weights, their guard, and what they add."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from retrieval.claims import ClaimAssessor, ClaimStatus
from retrieval.claims.learned import CUE_FEATURES, SentenceClassifiers, SentenceJudge
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.models import PassageKind


@pytest.fixture(scope="module")
def judge(minilm: MiniLMEmbedder) -> SentenceJudge:
    return SentenceJudge(minilm, SentenceClassifiers.bundled())


def test_bundled_weights_are_small_and_hold_words_not_training_sentences() -> None:
    raw = resources.files("retrieval.claims").joinpath("claim_classifiers.json").read_text()
    assert len(raw) < 100_000
    data = json.loads(raw)
    assert data["cue_features"] == list(CUE_FEATURES)
    assert all(len(phrase.split()) <= 4 for phrase in data["lexicon"])
    for name in ("hedge", "subjective"):
        assert len(data[name]["weights"]) == 384 + len(CUE_FEATURES)
        assert 0 < data[name]["threshold"] <= data[name]["note_threshold"] < 1


def test_vectors_from_another_model_are_refused(wordllama: WordLlamaEmbedder) -> None:
    with pytest.raises(ValueError, match="MiniLM"):
        SentenceJudge(wordllama, SentenceClassifiers.bundled())


def test_hedges_outside_the_rules_are_flagged_and_plain_reports_are_not(
    judge: SentenceJudge,
) -> None:
    hedged = [
        "Some speculate that the central bank will cut rates before the summer.",
        "The talks are most likely to discuss the border dispute.",
        "The minister, thought to be close to the president, resigned.",
    ]
    plain = [
        "The central bank cut its main rate by a quarter point on Thursday.",
        "The company reported a net profit of 12 million dollars for the quarter.",
        "Police arrested two men after the match in Leeds on Saturday.",
    ]
    assert all(v.hedged for v in judge.judge(hedged))
    assert not any(v.hedged or v.opinion for v in judge.judge(plain))


def test_opinion_wording_without_a_rule_marker_is_opinion(judge: SentenceJudge) -> None:
    (verdict,) = judge.judge(
        ["This reckless budget is a disgrace and an insult to every taxpayer."]
    )
    assert verdict.opinion and verdict.opinion_note


def test_a_possibility_is_not_noted_as_unconfirmed_in_an_answer(judge: SentenceJudge) -> None:
    """Annotators call "could lead to" uncertain (check says so); an answer's note does not."""
    sentence = "The new rules could lead to higher prices for consumers next year."
    with_judge = ClaimAssessor(judge=judge)
    strict = with_judge.classify_passage_sentence(sentence, sentence, PassageKind.ARTICLE)
    balanced = with_judge.classify_passage_sentence(
        sentence, sentence, PassageKind.ARTICLE, strict=False
    )
    assert strict is ClaimStatus.SINGLE_SOURCE
    assert balanced is ClaimStatus.UNCONFIRMED


def test_the_cache_stays_bounded(minilm: MiniLMEmbedder) -> None:
    small = SentenceJudge(minilm, SentenceClassifiers.bundled(), cache=3)
    texts = [f"The council met on day {i} to vote." for i in range(5)]
    assert len(small.judge(texts)) == 5
    assert len(small._seen) == 3  # a batch larger than the cache leaves only its newest
    again = small.judge(texts[:2])  # evicted: judged again, the same verdicts
    assert again == small.judge(texts[:2]) and len(small._seen) == 3
