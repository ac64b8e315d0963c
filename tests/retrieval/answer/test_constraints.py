"""What a question pins down: editions, names, and whether it asks for a fact at all."""

from __future__ import annotations

import pytest

from retrieval.answer.constraints import (
    absent_names,
    asks_question,
    constraints,
    other_editions,
    unmatched_names,
)


def test_constraints_are_years_ordinals_quarters_and_names() -> None:
    pinned = constraints("Who won the 2019 edition of the 92nd Awards in Q2 for Netflix?")
    assert {"2019", "92nd", "q2", "netflix"} <= set(pinned)
    assert "who" not in pinned
    # A hyphenated pair pins both names: no article spells "Kim-Putin".
    assert {"kim", "putin"} <= set(constraints("Who called the Kim-Putin meeting that?"))


def test_another_edition_of_an_event_is_named_not_quoted() -> None:
    assert other_editions(
        "Who won the 2019 final?", ["The 2018 final was won by X.", "In the 2021 final, Y won."]
    ) == ("2019", ["2018", "2021"])
    assert other_editions("What were Q2 profits?", ["Q1 profits rose 3%."]) == ("Q2", ["Q1"])
    assert other_editions("Who won the 2018 final?", ["The 2018 final was won by X."]) is None
    assert other_editions("Who won the final?", ["The 2018 final."]) is None
    assert other_editions("Who won in 2019?", ["Nobody said when."]) is None


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Who won the Australian Open?", True),
        ("did Putin ask Kim for weapons", True),
        ("Labour plans maternity pay rise", False),
        ("Iranian MPs threaten mobile deal", False),
        ("North Korea and Russia?", True),
    ],
)
def test_a_question_asks_for_a_fact_and_a_headline_names_a_topic(text: str, asks: bool) -> None:
    assert asks_question(text) is asks


def test_names_no_passage_mentions_are_reported_as_the_question_spells_them() -> None:
    passages = ["China lent Russia $6bn to buy the Yugansk unit.", "Virgin Radio and the capital."]
    assert unmatched_names("How much did Japan lend Russia?", passages) == ["Japan"]
    assert unmatched_names("How much did China lend Russia?", passages) == []
    # a run of names must stand together; case does not matter; a possessive is its name
    assert unmatched_names("Is Capital Radio on 3G?", passages) == ["Capital Radio"]
    assert unmatched_names("What is Virgin Radio's plan?", passages) == []
    # parts of a hyphenated pair, plurals and adjectives of a name count as mentions
    assert unmatched_names("Did the China-Russia deal close?", passages) == []
    assert unmatched_names("Who are the Virgins?", ["A Virgin spokesman said."]) == []
    assert unmatched_names("Did Chinese and Russian banks lend?", passages) == []
    assert unmatched_names("Who won the Oscars?", ["She won an Oscar."]) == []


def test_a_name_is_absent_only_when_a_word_of_it_appears_nowhere() -> None:
    passages = [
        "Virgin Radio and the capital.",
        "Hervé, a Norman-Arab general, fought the House of Guise. Buddhism grew in Victoria.",
    ]
    # a stranger: declined on
    assert absent_names("How many unreleased Beatles tracks are there?", passages) == ["Beatles"]
    # a sibling's words are all there: not absent, only unmatched (said after the answer)
    assert absent_names("Is Capital Radio on 3G?", passages) == []
    assert unmatched_names("Is Capital Radio on 3G?", passages) == ["Capital Radio"]
    # accents, hyphens, words standing apart and a word's kin are mentions
    for question in (
        "When did Herve serve?",
        "What was the Norman Arab style?",
        "Who fought the House of Guise?",
        "How many Victorians are Buddhist?",
    ):
        assert absent_names(question, passages) == [], question
        assert unmatched_names(question, passages) == [], question


def test_a_place_and_its_adjective_mention_each_other() -> None:
    passages = ["Huguenots settled in Ireland and the Netherlands.", "A Scottish firm said so."]
    assert absent_names("Which Irish cities had Huguenot mayors?", passages) == []
    assert absent_names("Who led the Dutch Huguenots?", passages) == []
    assert absent_names("What is the Welsh firm's search engine?", passages) == ["Welsh"]
