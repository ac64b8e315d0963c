"""Claim assessment on the bundled seed documents: the cases the issue names, end to end."""

from __future__ import annotations

import datetime as dt

import pytest

from retrieval.claims import ClaimAssessor, ClaimStatus
from retrieval.models import NoteKind
from tests.retrieval.claims.test_fixtures import Collection, cite, seed_collection

PUTIN_WEAPONS = (
    "Russian President Vladimir Putin has reached out to North Korean leader Kim Jong-un, "
    "seeking assistance in the form of weapons."
)
GIFTS = "During the summit, gifts were exchanged, including firearms and space-related memorabilia."
FOOD_CASH_SPACE = (
    "While the details of their conversation and any potential arms deals were not made public, "
    "it is believed that North Korea may have requested assistance in the form of food, cash, and "
    "even space technology."
)


@pytest.fixture
def seeds() -> Collection:
    return seed_collection()


@pytest.fixture
def assessor() -> ClaimAssessor:
    return ClaimAssessor()


def test_putin_seeking_weapons_is_unconfirmed_because_neither_side_confirmed(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    chunk = seeds.find("seeking assistance in the form of weapons")
    sentences, citations = cite([chunk], [(PUTIN_WEAPONS, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.UNCONFIRMED
    assert "reports have emerged" in verdict.reason
    assert "not officially confirmed or denied" in verdict.reason  # the document-level disclaimer
    notes = assessor.notes("Did Putin ask Kim for weapons?", sentences, citations, seeds.chunks,
                           context=seeds.context)  # fmt: skip
    unconfirmed = [n for n in notes if n.kind is NoteKind.UNCONFIRMED]
    assert len(unconfirmed) == 1
    # No label and no markers in the text: kind and citations carry them.
    assert unconfirmed[0].text.startswith("The source ")
    assert "[1]" not in unconfirmed[0].text
    assert unconfirmed[0].citations == (1,)
    assert unconfirmed[0].sentence == PUTIN_WEAPONS


def test_disclaimer_reaches_a_chunk_cut_after_the_hedge_only_through_the_document(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    """A chunk starting at "Russian President" has no cue of its own; the document does."""
    full = seeds.find("seeking assistance in the form of weapons")
    offset = full.text.index("Russian President")
    cut = type(full)(**{**full.__dict__, "chunk_id": "cut", "text": full.text[offset:],
                        "start": full.start + offset})  # fmt: skip
    sentences, citations = cite([cut], [(PUTIN_WEAPONS, [1])])
    with_context = assessor.assess(sentences, citations, [cut], context=seeds.context)
    without_context = assessor.assess(sentences, citations, [cut])
    assert with_context[0].status is ClaimStatus.UNCONFIRMED
    assert without_context[0].status is ClaimStatus.SINGLE_SOURCE
    narrow = ClaimAssessor(context_window=400).assess(
        sentences, citations, [cut], context=seeds.context
    )
    assert narrow[0].status is ClaimStatus.UNCONFIRMED  # "reports have emerged" is within reach
    far = cut.text.index("This unexpected development")
    tail = type(full)(**{**cut.__dict__, "chunk_id": "tail", "text": cut.text[far:],
                         "start": cut.start + far})  # fmt: skip
    restated = "This unexpected development has raised eyebrows globally."
    sentences, citations = cite([tail], [(restated, [1])])
    assert assessor.assess(sentences, citations, [tail], context=seeds.context)[0].status is (
        ClaimStatus.SINGLE_SOURCE  # a plain sentence next to the hedged one stays plain
    )


def test_trump_jealous_is_an_opinion_from_a_reader_comment(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    chunk = seeds.find("Trump is probably so jealous")
    sentences, citations = cite([chunk], [("Trump is probably so jealous.", [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.OPINION
    assert "comment" in verdict.reason
    notes = assessor.notes("What do people think?", sentences, citations, seeds.chunks)
    assert [n.kind for n in notes if n.kind is not NoteKind.UNDATED] == [NoteKind.OPINION]


def test_gifts_exchanged_at_the_summit_is_not_flagged(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    """The next sentence of the same paragraph hedges ("it is believed"); that must not spill over."""
    chunk = seeds.find(GIFTS)
    assert "it is believed" in chunk.text
    sentences, citations = cite([chunk], [(GIFTS, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.SINGLE_SOURCE
    notes = assessor.notes("What happened at the summit?", sentences, citations, seeds.chunks,
                           context=seeds.context)  # fmt: skip
    assert not [n for n in notes if n.kind in (NoteKind.UNCONFIRMED, NoteKind.OPINION)]


def test_food_cash_and_space_technology_wish_is_unconfirmed(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    chunk = seeds.find("food, cash, and even space technology")
    sentences, citations = cite([chunk], [(FOOD_CASH_SPACE, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.UNCONFIRMED
    assert "it is believed" in verdict.reason


def test_an_llm_paraphrase_is_judged_by_the_sentence_it_rests_on(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    chunk = seeds.find("food, cash, and even space technology")
    sentences, citations = cite(
        [chunk], [("North Korea asked Russia for food, cash and space technology.", [1])]
    )
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.UNCONFIRMED


@pytest.mark.parametrize(
    "needle",
    [
        "according to the state-run Korean Central News Agency",
        "Secretary of State Antony Blinken said Tuesday",
        "Putin’s foreign policy aide Yuri Ushakov said Monday",
    ],
)
def test_named_attribution_is_reporting_not_hedging(
    seeds: Collection, assessor: ClaimAssessor, needle: str
) -> None:
    chunk = seeds.find(needle)
    sentences, citations = cite([chunk], [(chunk.text, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.SINGLE_SOURCE


def test_classify_passage_sentence_on_single_sentences(assessor: ClaimAssessor) -> None:
    seeds = seed_collection()
    text_002 = next(t for name, t in seeds.texts.items() if name.startswith("002"))
    text_000 = next(t for name, t in seeds.texts.items() if name.startswith("000"))
    from retrieval.models import PassageKind

    article = PassageKind.ARTICLE
    assert (
        assessor.classify_passage_sentence(PUTIN_WEAPONS, text_002, article)
        is ClaimStatus.UNCONFIRMED
    )
    assert assessor.classify_passage_sentence(GIFTS, text_000, article) is ClaimStatus.SINGLE_SOURCE
    assert (
        assessor.classify_passage_sentence("I'd bet they still have shells.", "", article)
        is ClaimStatus.OPINION
    )
    assert (
        assessor.classify_passage_sentence(
            "Exports rose 5%.", "Exports rose 5%.", PassageKind.COMMENT
        )
        is ClaimStatus.OPINION
    )


# --- across documents: disputes and corroboration -------------------------------------------------


def _two_documents(first: str, second: str) -> tuple[Collection, list]:
    collection = Collection()
    a = collection.add("a.txt", first, date=dt.date(2024, 6, 19), title="Munitions report")
    b = collection.add("b.txt", second, date=dt.date(2024, 6, 20), title="Ministry figures")
    return collection, [*a, *b]


@pytest.mark.parametrize(
    ("first", "second", "detail"),
    [
        (
            "North Korea has sent 6,700 containers of munitions to Russia, the defence ministry said.",
            "North Korea has sent 3,000 containers of munitions to Russia, the defence ministry said.",
            "6,700 containers",
        ),
        (
            "Kim greeted Putin at Pyongyang International Airport in the early hours of Wednesday.",
            "Kim greeted Putin at Pyongyang International Airport in the early hours of Thursday.",
            "wednesday",
        ),
        (
            "Russia signed a mutual defence pact with North Korea during the visit.",
            "Russia did not sign a mutual defence pact with North Korea during the visit.",
            "denies",
        ),
    ],
)
def test_sources_that_disagree_make_the_claim_disputed(
    assessor: ClaimAssessor, first: str, second: str, detail: str
) -> None:
    collection, chunks = _two_documents(first, second)
    sentences, citations = cite(chunks[:1], [(first, [1])])
    [verdict] = assessor.assess(sentences, citations, chunks, context=collection.context)
    assert verdict.status is ClaimStatus.DISPUTED
    assert "“Ministry figures”" in verdict.reason and detail in verdict.reason.lower()
    assert "b.txt" not in verdict.reason  # a title, not a file name
    notes = assessor.notes("q", sentences, citations, chunks, context=collection.context)
    (disputed,) = [n for n in notes if n.kind is NoteKind.DISPUTED]
    assert disputed.text.startswith(
        "Sources disagree: “Munitions report” "
    )  # says what each side says
    assert disputed.citations == (1, 2)  # both sides cited: the other one is added as [2]
    assert [c.document for c in disputed.sources] == ["b.txt"] and disputed.sources[0].n == 2


def test_an_unrelated_number_elsewhere_is_not_a_dispute(assessor: ClaimAssessor) -> None:
    collection, chunks = _two_documents(
        "North Korea has sent 6,700 containers of munitions to Russia, the ministry said.",
        "The Bank of Korea said exports of 3,000 containers of kimchi rose in May.",
    )
    sentences, citations = cite(chunks[:1], [(chunks[0].text, [1])])
    [verdict] = assessor.assess(sentences, citations, chunks, context=collection.context)
    assert verdict.status is ClaimStatus.SINGLE_SOURCE


def test_corroboration_across_two_documents_gives_no_warning_note(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    other = (
        "Gifts were exchanged during the summit, including firearms and space-related "
        "memorabilia, the two governments said."
    )
    seeds.add("press.txt", other, date=dt.date(2023, 9, 14), title="Joint statement on the summit")
    chunk = seeds.find(GIFTS)
    sentences, citations = cite([chunk], [(GIFTS, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.CORROBORATED
    assert "“Joint statement on the summit”" in verdict.reason
    notes = assessor.notes("What gifts were exchanged?", sentences, citations, seeds.chunks,
                           context=seeds.context)  # fmt: skip
    assert notes == ()


def test_a_hedged_restatement_elsewhere_does_not_corroborate(
    seeds: Collection, assessor: ClaimAssessor
) -> None:
    seeds.add(
        "rumour.txt", "Gifts were reportedly exchanged during the summit, including firearms."
    )
    chunk = seeds.find(GIFTS)
    sentences, citations = cite([chunk], [(GIFTS, [1])])
    [verdict] = assessor.assess(sentences, citations, seeds.chunks, context=seeds.context)
    assert verdict.status is ClaimStatus.SINGLE_SOURCE
