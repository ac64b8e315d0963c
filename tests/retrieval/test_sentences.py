"""The shared sentence splitter: the cases every earlier splitter was tested on, and exact offsets."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from retrieval.sentences import plain_text, split_sentences


def _texts(text: str, *, wrapped: bool | None = None) -> list[str]:
    return [s.text for s in split_sentences(text, wrapped=wrapped)]


def test_abbreviations_quotes_and_line_breaks() -> None:
    text = (
        'The U.S. said on Jan. 5 that Mr. Kim met Putin. "It is done," he said! Is it?\nNext line'
    )
    assert _texts(text) == [
        "The U.S. said on Jan. 5 that Mr. Kim met Putin.",
        '"It is done," he said!',
        "Is it?",
        "Next line",
    ]


def test_initials_and_closing_quotes_stay_with_their_sentence() -> None:
    text = 'John F. Kennedy spoke. "We choose to go." Then he left (for good.) Later, yes.'
    assert _texts(text) == [
        "John F. Kennedy spoke.",
        '"We choose to go."',
        "Then he left (for good.)",
        "Later, yes.",
    ]


def test_seeds_broken_full_stops_are_repaired_but_real_endings_kept() -> None:
    text = (
        "In a surprising turn of events, reports have emerged suggesting that. Russian President "
        "Vladimir Putin has reached out. The souring put a stop to that. Despite this, Mr. Smith "
        "arrived in the U.S. on Monday."
    )
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "In a surprising turn of events, reports have emerged suggesting that. Russian President "
        "Vladimir Putin has reached out.",
        "The souring put a stop to that.",
        "Despite this, Mr. Smith arrived in the U.S. on Monday.",
    ]
    assert [text[r] for r in sentences[0].repairs] == ["."]
    assert sentences[1].repairs == sentences[2].repairs == ()
    assert plain_text(sentences[0]).startswith(
        "In a surprising turn of events, reports have emerged suggesting that Russian President"
    )


def test_stray_stop_between_words_is_dropped_from_the_plain_text() -> None:
    text = (
        "Intelligence sources had uncovered communications between. Moscow and Pyongyang "
        "regarding support. The U.S. Treasury said so on Monday. Mr. Smith agreed."
    )
    assert [plain_text(s) for s in split_sentences(text)] == [
        "Intelligence sources had uncovered communications between Moscow and Pyongyang "
        "regarding support.",
        "The U.S. Treasury said so on Monday.",
        "Mr. Smith agreed.",
    ]


def test_newswire_soft_wraps_are_joined_but_forum_lines_are_not() -> None:
    wire = (
        "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the\n"
        "Drought, the review said.\n    Arrivals were late."
    )
    assert [plain_text(s) for s in split_sentences(wire)] == [
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
        "Drought, the review said.",
        "Arrivals were late.",
    ]
    forum = (
        "Who does North Korea follow if China starts doing special military operations towards "
        "separatist breakaway regions on the Russian side of the border\nTrump is probably so jealous."
    )
    assert _texts(forum)[-1] == "Trump is probably so jealous."


def test_wrapped_paragraph_joins_a_line_break_before_a_capital() -> None:
    paragraph = "The company said the\nU.S. unit would close. Sales fell."
    assert _texts(paragraph, wrapped=True) == [
        "The company said the\nU.S. unit would close.",
        "Sales fell.",
    ]
    assert _texts(paragraph, wrapped=False) == [
        "The company said the",
        "U.S. unit would close.",
        "Sales fell.",
    ]


def test_blank_and_indented_lines_always_end_a_sentence() -> None:
    text = "First part without a stop\n\nSecond part\n  Third part"
    assert _texts(text, wrapped=True) == ["First part without a stop", "Second part", "Third part"]


def test_lowercase_continuation_is_not_a_new_sentence() -> None:
    assert _texts("It rose 5 p.c. on the day. prices then fell.") == [
        "It rose 5 p.c. on the day. prices then fell."
    ]


@given(st.text(alphabet=st.sampled_from(list('ab U.S Mr.!?"”’)(\n \t;that'))))
@example("suggesting that. Russian\n\n  Mr. X. y")
def test_offsets_are_exact_and_sentences_in_order(text: str) -> None:
    sentences = split_sentences(text)
    previous_end = 0
    for s in sentences:
        assert text[s.start : s.end] == s.text
        assert s.text and s.text == s.text.strip()
        assert s.start >= previous_end
        assert all(s.start <= r < s.end and text[r] == "." for r in s.repairs)
        previous_end = s.end
    # Nothing but white space is lost between sentences.
    covered = "".join(s.text for s in sentences)
    assert "".join(covered.split()) == "".join(text.split())


def test_real_endings_on_words_that_could_dangle_are_kept() -> None:
    text = 'I respect that. And she agreed. It was sort of. Really fine. Not more than that. "So be it."'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "I respect that.",
        "And she agreed.",
        "It was sort of.",
        "Really fine.",
        "Not more than that.",
        '"So be it."',
    ]
    assert all(s.repairs == () for s in sentences)


def test_stray_punctuation_after_a_space_stays_with_its_sentence() -> None:
    text = "The stock is $8.5 today. ... It was screened at the event. '"
    assert _texts(text) == ["The stock is $8.5 today. ...", "It was screened at the event. '"]
