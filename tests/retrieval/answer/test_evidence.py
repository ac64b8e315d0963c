"""What makes a sentence an answer: the features, the bundled scorer, and the answer's shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answer.evidence import (
    FEATURES,
    AnswerScorer,
    Candidate,
    expected_kind,
    features,
    holds_kind,
    idf_coverage,
    rarest_missing,
)
from retrieval.engine import Engine
from tests.conftest import EngineFactory


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who won the Australian Open?", "name"),
        ("When did Kim Jong-un visit Russia?", "date"),
        ("How many rail containers of weapons were shipped?", "number"),
        ("What did Blinken say about the alliance?", "speech"),
        ("Is Russia arming North Korea?", None),
    ],
)
def test_the_question_says_what_kind_of_answer_it_wants(question: str, kind: str | None) -> None:
    assert expected_kind(question) == kind


def test_a_sentence_holds_the_kind_only_when_it_adds_one() -> None:
    question = "How many rail containers were shipped?"
    assert holds_kind("number", "Thousands of rail containers were shipped.", question)
    assert not holds_kind("number", "Rail containers were shipped to Russia.", question)
    assert holds_kind("date", "Kim arrived on 13 September 2023.", "When did Kim arrive?")
    # A name the question already holds is not an answer to "who".
    assert not holds_kind("name", "It met Putin.", "Who met Putin?")
    assert holds_kind("name", "It was Lleyton Hewitt who met Putin.", "Who met Putin?")
    # ... and in news the "who" is often a group: "marked as a blood alliance by experts".
    assert holds_kind("name", "It was called a blood alliance by experts.", "Who called it that?")
    assert not holds_kind("name", "Experts called it that.", "What did experts call it?")
    # a weekday or a month is capitalised, but it says when, not who
    assert not holds_kind("name", "It opened on Saturday in March.", "Who opened it?")


def test_the_bundled_scorer_matches_the_features_and_prefers_the_answer() -> None:
    scorer = AnswerScorer.bundled()
    assert 0.0 < scorer.decline < scorer.threshold < 1.0 and len(scorer.weights) == len(FEATURES)
    question = "How many rail containers of weapons were shipped?"
    words = {w.lower() for w in question.split()}
    answer = Candidate(
        "North Korea has shipped thousands of rail cargo containers of weapons to Russia.",
        cosine=0.7, coverage=1.0, passage_coverage=1.0, passage_rank=0, passage_dense=0.5,
    )  # fmt: skip
    filler = Candidate(
        "The answer lies in the ongoing conflict in Ukraine.",
        cosine=0.2, coverage=0.0, passage_coverage=1.0, passage_rank=0, passage_dense=0.5,
    )  # fmt: skip
    assert scorer.probability(features(question, answer, words)) > scorer.probability(
        features(question, filler, words)
    )


def test_weights_trained_on_other_features_are_refused() -> None:
    with pytest.raises(ValueError, match="other features"):
        AnswerScorer.from_mapping(
            {"features": ["cosine"], "weights": [1], "bias": 0, "mean": [0], "scale": [1],
             "threshold": 0.5, "decline": 0.1}
        )  # fmt: skip


def test_the_answering_sentence_comes_first_and_stands_alone(seed_engine: Engine) -> None:
    answer = seed_engine.answer("How many rail containers of weapons were shipped?")
    assert not answer.abstained
    assert "thousands of rail cargo containers of weapons" in answer.sentences[0].text
    assert len(answer.sentences) == 1  # one sentence answers it; nothing is added for show


def test_no_answer_sentence_leans_on_one_that_is_not_there(seed_engine: Engine) -> None:
    for question in (
        "What does North Korea want from Russia in return?",
        "Will Russia help North Korea with satellites?",
        "What gifts were exchanged at the summit?",
    ):
        answer = seed_engine.answer(question)
        first = answer.sentences[0].text.lstrip("\"“'")
        assert not first.lower().startswith(("this ", "these ", "however", "in conclusion", "his "))
        assert first[:1].isupper()


def test_a_question_about_another_year_gets_the_years_the_documents_cover(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "final.md").write_text(
        "---\ntitle: Cup final report\n---\n\nThe 2018 cup final was won by Northern Rovers, who "
        "beat Southern United 2-1 in front of a record crowd at the national stadium.\n\n"
        "In the 2021 cup final, Southern United took revenge with a 3-0 win over Northern Rovers.\n"
    )
    engine = make_engine()
    engine.ingest_paths([tmp_path / "docs"])
    answer = engine.answer("Who won the 2019 cup final?")
    assert answer.abstained and not answer.citations
    assert answer.text == "The documents cover 2018 and 2021, not 2019."
    covered = engine.answer("Who won the 2018 cup final?")
    assert not covered.abstained and "Northern Rovers" in covered.sentences[0].text


def test_the_answer_reads_without_the_stray_full_stops_of_scraped_pages(
    seed_engine: Engine,
) -> None:
    answer = seed_engine.answer("Did Putin ask Kim Jong-un for weapons?")
    assert "suggesting that Russian President" in answer.text
    assert "that. Russian" not in answer.text
    # the sentence itself stays a verbatim quote of its passage, for offsets and claim checks
    assert any(answer.sentences[0].text in c.quote for c in answer.citations)


def test_coverage_weighs_rare_question_words_and_names_the_rarest_missing_one() -> None:
    idf = {"putin": 3.0, "visit": 1.0}
    present = {"visit", "moscow"}
    assert idf_coverage(["putin", "visit"], present, idf, top=4.0) == 0.25
    assert idf_coverage(["unseen"], {"unseen"}, idf, top=4.0) == 1.0
    assert rarest_missing(["putin", "visit"], present, idf, top=4.0) == 0.75
    assert rarest_missing(["visit"], present, idf, top=4.0) == 0.0
