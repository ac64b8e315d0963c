"""What makes a question askable, before any retrieval runs."""

from __future__ import annotations

import pytest

from retrieval.engine import clean_question
from retrieval.errors import QuestionError


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("caf\udce9 au lait?", "caf\ufffd au lait?"),  # a Latin-1 byte in argv or stdin
        ("a lone \ud800 surrogate?", "a lone \ufffd surrogate?"),  # e.g. from JSON escapes
    ],
)
def test_text_that_is_not_utf8_is_refused_and_shown_readably(question: str, shown: str) -> None:
    with pytest.raises(QuestionError, match="not valid UTF-8") as refused:
        clean_question(question, max_chars=500)
    assert refused.value.question == shown


def test_mentions_and_spacing_are_not_part_of_the_question() -> None:
    assert clean_question("  @everyone  who won\n the final? ", max_chars=500) == (
        "who won the final?"
    )
    with pytest.raises(QuestionError, match="empty"):
        clean_question("@here <@123>", max_chars=500)
