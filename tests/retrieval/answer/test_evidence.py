"""What makes a sentence an answer: the features, the bundled scorer, and the answer's shape."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from retrieval.answer import evidence
from retrieval.answer.evidence import (
    FEATURES,
    Candidate,
    QuestionView,
    feature_matrix,
    holds_asked,
    idf_coverage,
    passage_candidates,
    rarest_missing,
)
from retrieval.answer.kinds import counted, counts_it, expected_kind, holds_kind
from retrieval.answer.scorer import AnswerScorer
from retrieval.engine import Engine
from retrieval.index.lexical import Analyzer
from tests.conftest import EngineFactory


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who won the Australian Open?", "name"),
        ("When did Kim Jong-un visit Russia?", "date"),
        ("How many rail containers of weapons were shipped?", "number"),
        ("What did Blinken say about the alliance?", "speech"),
        ("What does North Korea want from Russia in return?", None),
        ("Is Russia arming North Korea?", None),
        ("Where was Ossie Davis found dead?", "place"),
        ("What was the US unemployment rate after the January figures?", "number"),
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
    where = "Where was Ossie Davis found dead?"
    assert holds_kind("place", "Davis was found dead in his hotel in Miami Beach.", where)
    assert not holds_kind("place", "US actor Ossie Davis has been found dead at 87.", where)


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("How many Labour MPs could oppose the ID cards bill?", "mps"),
        ("How many rail containers of weapons were shipped?", "container"),
        ("How many countries could benefit from the plan?", "country"),
        ("Who won?", None),
    ],
)
def test_a_how_many_question_says_what_it_counts(question: str, noun: str | None) -> None:
    assert counted(question) == noun


def test_a_number_counts_the_noun_only_when_it_stands_before_it() -> None:
    assert counts_it("Some 37 countries could benefit.", "country")
    assert counts_it("North Korea has shipped thousands of rail cargo containers.", "container")
    assert counts_it("There are now two and a half million cars on the roads.", "car")
    assert not counts_it("Countries backed 100% debt relief.", "country")


def _held(question: str, sentence: str) -> bool | None:
    candidate = Candidate(
        sentence, cosine=0.5, coverage=0.5, passage_coverage=0.5, passage_rank=0, passage_dense=0.5
    )
    return holds_asked(question, feature_matrix(question, [candidate]))[0]


def test_a_sentence_answers_the_kind_asked_or_the_question_does_not_say() -> None:
    question = "How many countries could benefit from the G7 plan?"
    assert _held(question, "Some 37 countries could benefit after a review.") is True
    assert _held(question, "Ministers backed writing off 100% of the debts.") is False
    assert _held("Where was Davis found?", "He was found in Miami Beach.") is True
    assert _held("Is Russia arming North Korea?", "Russia sent shells.") is None


def _view(question: str, vector: np.ndarray) -> QuestionView:
    analyzer = Analyzer()
    return QuestionView(question, analyzer.query_terms(question), vector, {}, 1.0)


def test_candidates_carry_their_neighbours_and_skip_what_cannot_answer() -> None:
    analyzer = Analyzer()
    sentences = [
        "The Huguenot church was founded in London in 1550 by refugees.",
        "It is now located at Soho Square.",
        "Why?",
        "Services are still held there in French every Sunday.",
    ]
    vectors = np.eye(4)
    view = _view("Where is the Huguenot church now located?", np.array([0.2, 0.9, 0.0, 0.1]))
    found = passage_candidates(
        view,
        sentences,
        vectors,
        [set(analyzer.terms(s)) for s in sentences],
        passage_text=" ".join(sentences),
        passage_rank=0,
        passage_dense=0.5,
    )
    assert [c.index for c in found] == [0, 1, 3]  # "Why?" is no statement
    soho = found[1]
    assert soho.cosine == pytest.approx(0.9)
    assert (soho.prev_cosine, soho.next_cosine) == (pytest.approx(0.2), pytest.approx(0.0))
    # the sentence before it names the church the question asks about: the window covers more
    assert soho.window_coverage is not None and soho.window_coverage > soho.coverage
    matrix = feature_matrix(view.question, found)
    assert matrix.shape == (3, len(FEATURES))
    gap = FEATURES.index("cosine_gap")
    assert matrix[1, gap] == 0.0 and matrix[0, gap] < 0.0  # the best cosine of the lot


def test_the_bundled_scorer_prefers_the_answer_and_doubts_a_stranger() -> None:
    scorer = AnswerScorer.bundled()
    assert 0.0 < scorer.decline < 1.0 and 0.0 < scorer.further <= 1.0
    question = "How many rail containers of weapons were shipped?"
    answer = Candidate(
        "North Korea has shipped thousands of rail cargo containers of weapons to Russia.",
        cosine=0.7, coverage=1.0, passage_coverage=1.0, passage_rank=0, passage_dense=0.5,
    )  # fmt: skip
    filler = Candidate(
        "The answer lies in the ongoing conflict in Ukraine.",
        cosine=0.2, coverage=0.0, passage_coverage=1.0, passage_rank=0, passage_dense=0.5,
    )  # fmt: skip
    judged = scorer.judge(feature_matrix(question, [filler, answer]))
    assert judged.shares[1] > judged.shares[0] and judged.shares.sum() == pytest.approx(1.0)
    assert judged.answerable >= scorer.decline
    alone = scorer.judge(feature_matrix(question, [filler]))
    assert alone.answerable < scorer.decline  # the best of a bad lot is still no answer


def test_weights_trained_on_other_features_are_refused() -> None:
    data = json.loads(Path(evidence.__file__).with_name("answer_scorer.json").read_text())
    AnswerScorer.from_mapping(data)
    with pytest.raises(ValueError, match="other features"):
        AnswerScorer.from_mapping({**data, "features": ["cosine"]})


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
