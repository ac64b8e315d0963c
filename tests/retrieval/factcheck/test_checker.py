"""``Engine.check`` on a real store: kinds, cues, corroborating and disputing passages, refusals."""

from __future__ import annotations

import pytest

from retrieval.engine import Engine
from retrieval.errors import QuestionError
from tests.conftest import EngineFactory

ACME = (
    "Acme Motors sold 500 electric cars in Ohio in 2023, the company said on Monday. "
    "Its chief executive, Dana Ruiz, said the factory in Toledo will double its output."
)
RIVAL = (
    "Acme Motors sold 800 electric cars in Ohio in 2023, according to figures from the state. "
    "The state's figures include leased vehicles."
)
WEATHER = "Heavy snow closed the mountain pass for three days last week, police said."


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory, minilm, wordllama) -> Engine:  # type: ignore[no-untyped-def]
    from bot.wiring import build_engine
    from retrieval.settings import Settings

    root = tmp_path_factory.mktemp("check")
    docs = root / "docs"
    docs.mkdir()
    for name, text in (("acme.txt", ACME), ("rival.txt", RIVAL), ("weather.txt", WEATHER)):
        (docs / name).write_text(text, encoding="utf-8")
    settings = Settings(_env_file=None, newsbot_store=root / "store")  # type: ignore[call-arg]
    built = build_engine(settings, embedder=minilm, sentence_embedder=wordllama)
    built.ingest_paths([docs])
    return built


def test_a_restated_claim_is_backed_and_a_different_figure_disputes_it(engine: Engine) -> None:
    (checked,) = engine.check("Acme Motors sold 500 electric cars in Ohio in 2023.")
    assert checked.kind == "reported"
    assert [c.document for c in checked.corroborated_by] == ["acme.txt"]
    assert [c.document for c in checked.disputed_by] == ["rival.txt"]
    assert "800" in checked.disputed_by[0].quote
    numbers = [c.n for c in (*checked.corroborated_by, *checked.disputed_by)]
    assert numbers == [1, 2]


def test_each_sentence_gets_its_kind_and_the_words_behind_it(engine: Engine) -> None:
    hedged, opinion, plain = engine.check(
        "Officials reportedly fear the Toledo factory will close. "
        "Honestly, I think this is the worst car ever made!! "
        "Heavy snow closed the mountain pass for three days."
    )
    assert (hedged.kind, opinion.kind, plain.kind) == ("unconfirmed", "opinion", "reported")
    assert "reportedly" in hedged.cues
    assert opinion.cues and plain.cues == ()
    assert [c.document for c in plain.corroborated_by] == ["weather.txt"]
    assert opinion.corroborated_by == () and opinion.disputed_by == ()


def test_a_hedge_the_rules_do_not_list_is_caught_by_the_classifier(engine: Engine) -> None:
    (checked,) = engine.check("Some speculate that the merger is likely to be delayed again.")
    assert checked.kind == "unconfirmed"
    assert checked.cues  # the words a member is shown, not a bare verdict


def test_a_claim_no_document_makes_has_neither_backing_nor_dispute(engine: Engine) -> None:
    (checked,) = engine.check("The city council approved a new stadium for the football club.")
    assert checked.corroborated_by == () and checked.disputed_by == ()


@pytest.mark.parametrize(
    ("text", "says"),
    [("   ", "empty"), ("x" * 5000, "limit"), ("One claim. " * 25, "at most 20")],
)
def test_texts_that_cannot_be_checked_say_why(engine: Engine, text: str, says: str) -> None:
    with pytest.raises(QuestionError, match=says) as caught:
        engine.check(text)
    assert caught.value.question == text  # handed back: nothing typed is lost


def test_mentions_are_not_part_of_the_text(engine: Engine) -> None:
    (checked,) = engine.check("@everyone Acme Motors sold 500 electric cars in Ohio in 2023.")
    assert "@everyone" not in checked.text


def test_an_empty_store_checks_without_backing(make_engine: EngineFactory) -> None:
    fresh = make_engine()  # nothing ingested: ensure_documents is never called
    (checked,) = fresh.check("Nothing is stored yet, so nothing backs this sentence.")
    assert checked.kind == "reported" and checked.corroborated_by == ()


def test_a_question_or_a_bare_first_person_is_not_opinion_by_itself(engine: Engine) -> None:
    research, question, view = engine.check(
        "In my research, I found only six cases of the disease in the region. "
        "What does this mean for the talks? "
        "I think this is a disgrace and the minister should resign."
    )
    assert (research.kind, research.cues) == ("reported", ())
    assert question.kind == "reported"
    assert view.kind == "opinion" and "I think" in view.cues
