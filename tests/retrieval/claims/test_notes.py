"""Notes a member reads: which kinds appear, how many, and what the date notes say."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.claims import ClaimAssessor, ClaimStatus, is_time_dependent
from retrieval.index.embeddings import MiniLMEmbedder
from retrieval.models import NoteKind
from tests.retrieval.claims.test_fixtures import Collection, cite, seed_collection

GIFTS = "During the summit, gifts were exchanged, including firearms and space-related memorabilia."
CONTAINERS = (
    "North Korea has shipped thousands of rail cargo containers of weapons to Russia, aiding their "
    "desperate need for supplies."
)


def test_single_source_is_one_aggregated_light_note() -> None:
    seeds = seed_collection()
    chunks = [seeds.find(GIFTS), seeds.find("Putin’s offer to assist North Korea")]
    sentences, citations = cite(
        chunks,
        [
            (GIFTS, [1]),
            ("The alliance between North Korea and Russia gained momentum following a rare "
             "in-person summit between Kim Jong-un and Vladimir Putin.", [1]),
            ("This sentiment was reinforced by Putin’s offer to assist North Korea in developing "
             "satellites, given the North’s previous failed attempts to launch its military spy "
             "satellite into orbit.", [2]),
        ],
    )  # fmt: skip
    assessor = ClaimAssessor()
    statuses = [a.status for a in assessor.assess(sentences, citations, seeds.chunks)]
    assert statuses == [ClaimStatus.SINGLE_SOURCE] * 3
    notes = assessor.notes("What happened?", sentences, citations, seeds.chunks)
    single = [n for n in notes if n.kind is NoteKind.SINGLE_SOURCE]
    assert len(single) == 1
    assert single[0].text == "3 statements each rest on a single document."
    assert single[0].citations == (1, 2)


def test_a_short_unspecific_sentence_gets_no_single_source_note() -> None:
    seeds = seed_collection()
    chunk = seeds.find("But the implications extend beyond the battlefield.")
    sentences, citations = cite(
        [chunk], [("But the implications extend beyond the battlefield.", [1])]
    )
    notes = ClaimAssessor().notes("What next?", sentences, citations, seeds.chunks)
    assert not [n for n in notes if n.kind is NoteKind.SINGLE_SOURCE]


def test_an_undated_cited_source_is_named() -> None:
    seeds = seed_collection()
    chunk = seeds.find(CONTAINERS)
    sentences, citations = cite([chunk], [(CONTAINERS, [1])])
    notes = ClaimAssessor().notes("What did North Korea send?", sentences, citations, seeds.chunks)
    undated = [n for n in notes if n.kind is NoteKind.UNDATED]
    assert len(undated) == 1
    assert undated[0].text == "An untitled document has no date."
    assert chunk.source not in undated[0].text  # the fixture's title is its file name: not shown
    assert "newest" not in undated[0].text  # the question does not depend on time


def test_time_dependent_question_states_the_newest_source_date() -> None:
    seeds = seed_collection()
    chunks = [seeds.find(GIFTS), seeds.find(CONTAINERS)]
    sentences, citations = cite(chunks, [(GIFTS, [1]), (CONTAINERS, [2])])
    notes = ClaimAssessor().notes(
        "What is the latest on the alliance?", sentences, citations, seeds.chunks
    )
    [undated] = [n for n in notes if n.kind is NoteKind.UNDATED]
    assert "the newest source used is from 2023-11-09." in undated.text
    assert undated.citations == (1, 2)


def test_time_dependent_question_with_dated_sources_only() -> None:
    seeds = seed_collection()
    chunk = seeds.find(GIFTS)
    sentences, citations = cite([chunk], [(GIFTS, [1])])
    notes = ClaimAssessor().notes("What is happening now?", sentences, citations, seeds.chunks)
    assert not [n for n in notes if "no date" in n.text]
    dated = [n for n in notes if "2023-11-09" in n.text]
    assert len(dated) == 1 and dated[0].kind is NoteKind.UNDATED
    assert dated[0].text.startswith("As of 2023-11-09")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the latest on Kim and Putin?", True),
        ("Is Russia currently buying shells?", True),
        ("What happened this week?", True),
        ("Who met whom at the summit?", False),
        ("What gifts were exchanged?", False),
    ],
)
def test_time_dependence_of_questions(question: str, expected: bool) -> None:
    assert is_time_dependent(question) is expected


def test_the_offline_check_disputes_different_figures_for_the_same_event() -> None:
    first = "North Korea has sent 6,700 containers of munitions to Russia, the ministry said."
    second = "North Korea has sent 3,000 containers of munitions to Russia, the ministry said."
    collection = Collection()
    chunks = [
        *collection.add("a.txt", first, date=dt.date(2024, 6, 19)),
        *collection.add("b.txt", second, date=dt.date(2024, 6, 19)),
    ]
    sentences, citations = cite(chunks[:1], [(first, [1])])
    [verdict] = ClaimAssessor().assess(sentences, citations, chunks)
    assert verdict.status is ClaimStatus.DISPUTED


# --- corroboration through an embedder --------------------------------------------------------------


@pytest.mark.slow
def test_an_embedder_finds_a_paraphrase_that_words_alone_miss(minilm: MiniLMEmbedder) -> None:
    seeds = seed_collection()
    seeds.add(
        "wire.txt",
        "Gifts including guns and space souvenirs were handed over at the summit, officials said.",
        date=dt.date(2023, 9, 14),
        title="Summit gifts",
    )
    chunk = seeds.find(GIFTS)
    sentences, citations = cite([chunk], [(GIFTS, [1])])
    lexical = ClaimAssessor().assess(sentences, citations, seeds.chunks, context=seeds.context)
    semantic = ClaimAssessor(embedder=minilm).assess(
        sentences, citations, seeds.chunks, context=seeds.context
    )
    assert lexical[0].status is ClaimStatus.SINGLE_SOURCE
    assert semantic[0].status is ClaimStatus.CORROBORATED
    assert "“Summit gifts”" in semantic[0].reason
