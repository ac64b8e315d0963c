"""Replies that score as supported but are not answers, scripted through LangChain's fake chat
model: each kind is dropped, and a reply of nothing else gives the extractive answer."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from retrieval.llm.answerer import OMITTED_NOTICE, UNVERIFIED_NOTICE, AbstractiveAnswerer
from retrieval.llm.junk import junk_reason, off_question
from retrieval.llm.prompts import PromptLibrary
from retrieval.models import Answer, AnswerSentence, Passage
from tests.retrieval.llm.testkit import extractive_stand_in, seed_passage, seed_passages

GOOD = "North Korea has shipped thousands of rail cargo containers of weapons to Russia [3]."
GOOD_TEXT = "North Korea has shipped thousands of rail cargo containers of weapons to Russia."


def answer_with(reply: str, prompts: PromptLibrary, passages: list[Passage]) -> Answer:
    answerer = AbstractiveAnswerer(FakeListChatModel(responses=[reply]), prompts)
    return answerer.answer("q", passages, fallback=lambda: extractive_stand_in("q"))


JUNK = {
    "a fragment": "The growing alignment between Russia and North Korea has [2].",
    "a cut-off start": "aiding their desperate need for supplies [3].",
    "a question": "But what does North Korea gain from this partnership [3]?",
    "about the task": "<passage> It seems like I've got more questions about the transfer [1].",
    "meta": "I think you meant the transfer of artillery from North Korea to Russia [1].",
    "an altered quotation": (
        "Putin praised the “growing cooperation and friendship” between Russia and North Korea [2]."
    ),
    "a repetition": "Russia Russia Russia Russia Russia Russia and North Korea Russia Russia [1].",
}


@pytest.mark.parametrize("kind", list(JUNK))
def test_each_kind_of_junk_is_dropped_beside_a_good_sentence(
    kind: str, prompts: PromptLibrary, passages: list[Passage]
) -> None:
    answer = answer_with(f"{JUNK[kind]} {GOOD}", prompts, passages)
    assert answer.mode == "llm"
    assert [s.text for s in answer.sentences] == [GOOD_TEXT]


@pytest.mark.parametrize("kind", list(JUNK))
def test_a_reply_of_junk_alone_gives_the_extractive_answer(
    kind: str, prompts: PromptLibrary, passages: list[Passage]
) -> None:
    answer = answer_with(JUNK[kind], prompts, passages)
    assert answer.mode == "llm_fallback" and answer.text == "EXTRACTIVE [1]"
    assert answer.notices == (UNVERIFIED_NOTICE,)


def test_three_copies_of_a_sentence_are_one(
    prompts: PromptLibrary, passages: list[Passage]
) -> None:
    answer = answer_with(f"{GOOD} {GOOD}\n{GOOD}", prompts, passages)
    assert [s.text for s in answer.sentences] == [GOOD_TEXT]


def test_a_quotation_word_for_word_is_kept(prompts: PromptLibrary, passages: list[Passage]) -> None:
    reply = "Putin praised the “strengthening cooperation and friendship” with North Korea [2]."
    answer = answer_with(reply, prompts, passages)
    assert answer.mode == "llm" and "strengthening cooperation" in answer.text


def test_a_bare_citation_number_is_a_citation_not_a_new_figure(
    prompts: PromptLibrary, passages: list[Passage]
) -> None:
    reply = "North Korea has shipped thousands of rail cargo containers of weapons to Russia 3."
    answer = answer_with(reply, prompts, passages)
    assert answer.mode == "llm" and [s.text for s in answer.sentences] == [GOOD_TEXT]
    assert answer.citations[0].chunk_id == passages[2].chunk.chunk_id


def test_list_numbering_is_not_a_figure(prompts: PromptLibrary, passages: list[Passage]) -> None:
    reply = "North Korea shipped 1) rail cargo containers 2) of weapons to Russia [3]."
    answer = answer_with(reply, prompts, passages)
    assert answer.mode == "llm"
    assert (
        answer.sentences[0].text
        == "North Korea shipped rail cargo containers of weapons to Russia."
    )


def test_a_numbered_list_is_read_with_the_line_that_leads_into_it(
    prompts: PromptLibrary, passages: list[Passage]
) -> None:
    reply = (
        "North Korea has shipped to Russia:\n"
        "1. thousands of rail cargo containers [3]\n"
        "2. weapons [3]"
    )
    answer = answer_with(reply, prompts, passages)
    assert answer.mode == "llm"
    assert [s.text for s in answer.sentences] == [
        "North Korea has shipped to Russia: thousands of rail cargo containers; weapons."
    ]


def test_junk_reason_names_what_it_found() -> None:
    sources = [p.chunk.text for p in seed_passages()]
    assert junk_reason("Kim met Putin.", [], sources) is None  # short is not a fragment
    assert junk_reason("Kim met Putin.", ["Kim met Putin."], sources) == "a duplicate"
    assert junk_reason("Officials said “I will go” later.", [], sources) is not None  # misquote
    quoted = "The official said “reported transfer of artillery” was real."
    assert junk_reason(quoted, [], sources) is None  # a first person inside quotes is the source's
    assert junk_reason("World leaders met in the context of the war.", [], sources) is None
    assert junk_reason("The bill's passage through parliament was swift.", [], sources) is None
    assert junk_reason("Excerpts from the speech were aired on Tuesday.", [], sources) is None


def test_a_third_party_quotation_does_not_answer_what_someone_else_said(
    prompts: PromptLibrary,
) -> None:
    passages = [
        seed_passage("003", "said Lami Kim", score=0.9),
        seed_passage("003", "Antony Blinken said Tuesday", score=0.8),
    ]
    professor = (
        "The agreement could lay the groundwork for arms trade and also facilitate their "
        "anti-West coalition, said Lami Kim [1]."
    )
    blinken = "Antony Blinken said Russia was trying in desperation to strengthen relations [2]."
    answerer = AbstractiveAnswerer(FakeListChatModel(responses=[f"{professor} {blinken}"]), prompts)
    answer = answerer.answer(
        "What did Blinken say?", passages, fallback=lambda: extractive_stand_in("q")
    )
    assert answer.mode == "llm"
    assert [s.text for s in answer.sentences] == [blinken.replace(" [2]", "")]
    # The same professor's words do answer a question about her, or about the agreement.
    assert not off_question("What did Lami Kim say?", professor)
    assert not off_question("What could the agreement lead to?", professor)
    assert off_question("What did Gordon Brown announce?", "Labour froze fuel duty.")
    assert not off_question("What did Gordon Brown announce?", "The chancellor froze fuel duty.")


def test_a_written_answer_that_leaves_out_the_extractive_answer_falls_back(
    prompts: PromptLibrary, passages: list[Passage]
) -> None:
    """Verified is not enough: the model must keep what the offline answer states."""
    stated = "Putin offered to assist North Korea in developing satellites."
    offline = Answer(
        question="Will Russia help North Korea with satellites?",
        text=f"{stated} [1]",
        abstained=False,
        sentences=(AnswerSentence(stated, (1,)),),
    )
    beside = (
        "Putin's praise of the strengthening cooperation between Russia and North Korea "
        "highlights the growing alignment between the two nations [2]."
    )
    for reply, mode in [(beside, "llm_fallback"), (f"{beside} {stated[:-1]} [2].", "llm")]:
        answerer = AbstractiveAnswerer(FakeListChatModel(responses=[reply]), prompts)
        answer = answerer.answer(offline.question, passages, fallback=lambda: offline)
        assert answer.mode == mode, reply
    assert answer.mode == "llm"
    fell_back = AbstractiveAnswerer(FakeListChatModel(responses=[beside]), prompts).answer(
        offline.question, passages, fallback=lambda: offline
    )
    assert fell_back.text == offline.text and fell_back.notices == (OMITTED_NOTICE,)
    assert fell_back.fallback_reason == "the model's answer left out what the sources state"
