"""The cue lists on their own: what must be caught, and what must be left alone."""

from __future__ import annotations

import pytest

from retrieval.claims.cues import CueKind, hedge_cues, is_disclaimer
from retrieval.claims.opinion import opinion_genre, opinion_markers
from retrieval.claims.words import sentence_spans


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "In a surprising turn of events, reports have emerged that the plant closed.",
            CueKind.UNNAMED,
        ),
        ("The minister reportedly resigned on Friday.", CueKind.HEDGE),
        ("It is believed that the ship sank near the coast.", CueKind.HEDGE),
        ("The army may have moved two divisions north.", CueKind.HEDGE),
        ("The plan was uncovered by intelligence sources in March.", CueKind.UNNAMED),
        ("A former US general revealed that talks had begun.", CueKind.UNNAMED),
        ("Both governments have not officially confirmed or denied the deal.", CueKind.UNCONFIRMED),
        ("The veracity of this report is still a subject of debate.", CueKind.UNCONFIRMED),
        ("Experts suggest the merger will cut 500 jobs.", CueKind.UNNAMED),
        ("The director allegedly took bribes.", CueKind.HEDGE),
        ("The claim remains unconfirmed.", CueKind.UNCONFIRMED),
        ("According to sources familiar with the talks, a deal is close.", CueKind.UNNAMED),
        ("The company could not independently verify the figures.", CueKind.UNCONFIRMED),
        ("Banking sources said the rules were being weighed.", CueKind.UNNAMED),
        ("There had been newspaper speculation that the coach would quit.", CueKind.HEDGE),
        ("The star is said to be furious with the studio.", CueKind.HEDGE),
        ("Officials, speaking on condition of anonymity, described the raid.", CueKind.UNNAMED),
    ],
)
def test_hedges_and_weasel_words_are_caught(sentence: str, kind: CueKind) -> None:
    assert kind in {cue.kind for cue in hedge_cues(sentence)}


@pytest.mark.parametrize(
    "sentence",
    [
        "Secretary of State Antony Blinken said Tuesday that Russia was desperate.",
        "Kim greeted Putin at the airport, according to the state-run Korean Central News Agency.",
        "A company spokesman said the factory would reopen in May.",
        "The escalation could lead to higher oil prices.",
        "Shareholders may tender their shares until April 27.",
        "We could have won the game in the first half.",
        "The central bank reported a 3.5% rise in lending.",
        "Sales rose 16.5%, the carmaker said in a statement.",
        "This development may have wider implications for the region.",
        "The truth of the matter is that the party has no seats.",
    ],
)
def test_plain_and_named_reporting_is_not_a_hedge(sentence: str) -> None:
    assert hedge_cues(sentence) == ()


def test_cue_phrases_keep_the_source_wording_in_order() -> None:
    cues = hedge_cues("It’s believed that THE SHIP sank,   REPORTEDLY.")
    assert [c.phrase for c in cues] == ["It's believed", "REPORTEDLY"]


def test_a_disclaimer_points_back_at_the_report() -> None:
    disclaimer = (
        "It is important to note that the veracity of this report is still a subject of debate, "
        "and both Russia and North Korea have not officially confirmed or denied these allegations."
    )
    assert is_disclaimer(disclaimer, hedge_cues(disclaimer))
    plain_doubt = "The figures have not been confirmed by the ministry."
    assert not is_disclaimer(plain_doubt, hedge_cues(plain_doubt))


@pytest.mark.parametrize(
    "sentence",
    [
        "I'd bet that they still haven't emptied their arsenals.",
        "Trump is probably so jealous.",
        "North Korea wants access to food, energy, weapons technology, you name it.",
        "One thing is certain: this visit has brought them closer together.",
        "But what drives this impromptu alliance?",
        "In my opinion this is just a publicity stunt.",
        "He has no mandate and should resign from the European Parliament.",
    ],
)
def test_opinion_markers(sentence: str) -> None:
    assert opinion_markers(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        '"I think we can win the league," said the Chelsea manager.',
        "The leaders exchanged gifts during the summit.",
        "Yahoo! reported a rise in profits.",
    ],
)
def test_reported_speech_and_plain_facts_are_not_opinion(sentence: str) -> None:
    assert opinion_markers(sentence) == ()


def test_opinion_genre_from_the_documents_metadata() -> None:
    assert opinion_genre(
        "Opinion | Republicans Are Following Trump", "https://www.nytimes.com/x.html"
    )
    assert opinion_genre("", "https://www.theguardian.com/commentisfree/2019/nov/18/view")
    assert opinion_genre("Star Wars Jedi: Fallen Order review - shoots for the moon", None)
    assert not opinion_genre("BAHIA COCOA REVIEW", None)  # a Reuters market report
    assert not opinion_genre("Labour plans maternity pay rise", None)


def test_sentence_splitter_repairs_the_seeds_broken_full_stops() -> None:
    text = (
        "In a surprising turn of events, reports have emerged suggesting that. Russian President "
        "Vladimir Putin has reached out. The souring put a stop to that. Despite this, Mr. Smith "
        "arrived in the U.S. on Monday."
    )
    sentences = [s.text for s in sentence_spans(text)]
    assert sentences == [
        "In a surprising turn of events, reports have emerged suggesting that. Russian President "
        "Vladimir Putin has reached out.",
        "The souring put a stop to that.",
        "Despite this, Mr. Smith arrived in the U.S. on Monday.",
    ]
    for span in sentence_spans(text):
        assert text[span.start : span.end] == span.text
