from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.textsplit import _sentence_units, pack_lines, shorten, split_text


def sentences(text: str) -> list[str]:
    return [unit.strip() for unit in _sentence_units(text) if unit.strip()]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC", min_size=1, max_size=12)
SENTENCE = st.builds(
    lambda words, end, cites: " ".join(words) + end + "".join(f" [{n}]" for n in cites),
    st.lists(WORD, min_size=1, max_size=25),
    st.sampled_from([".", "!", "?", "…"]),
    st.lists(st.integers(1, 9), max_size=2),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(SENTENCE, min_size=1, max_size=30), st.integers(min_value=40, max_value=400))
def test_split_keeps_every_sentence_whole_and_within_the_limit(
    parts: list[str], limit: int
) -> None:
    text = " ".join(parts)
    pieces = split_text(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    # Nothing lost or reordered: the pieces are the text, broken at single spaces.
    assert " ".join(pieces) == text
    # A sentence that fits in a piece is never broken across two.
    for sentence in parts:
        if len(sentence) <= limit:
            assert any(sentence in p for p in pieces), sentence
    # No word is cut (every word here is shorter than any limit).
    words = set(text.split())
    for piece in pieces:
        assert set(piece.split()) <= words


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=600), st.integers(min_value=1, max_value=80))
def test_split_of_arbitrary_text_loses_no_characters(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_citation_markers_stay_with_their_sentence() -> None:
    text = "Kim met Putin [1]. Artillery moved.[2][3] Nobody confirmed it [4]."
    assert sentences(text) == [
        "Kim met Putin [1].",
        "Artillery moved.[2][3]",
        "Nobody confirmed it [4].",
    ]
    pieces = split_text(text, 30)
    assert pieces == ["Kim met Putin [1].", "Artillery moved.[2][3]", "Nobody confirmed it [4]."]


def test_numbers_and_abbreviations_inside_a_sentence_do_not_split_it() -> None:
    assert sentences("Growth was 3.5 percent. Next.") == ["Growth was 3.5 percent.", "Next."]


def test_a_word_longer_than_the_limit_is_the_only_thing_cut() -> None:
    url = "https://example.org/" + "x" * 50
    pieces = split_text(f"See {url} now.", 20)
    assert all(len(p) <= 20 for p in pieces)
    assert "".join(pieces).replace(" ", "") == f"See{url}now."
    assert pieces[0] == "See"


def test_pack_lines_keeps_lines_whole_and_in_order() -> None:
    lines = [f"[{i}] line number {i}" for i in range(100)]
    blocks = pack_lines(lines, 120)
    assert all(len(b) <= 120 for b in blocks)
    assert "\n".join(blocks).split("\n") == lines


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("What did Kim and Putin agree about weapons?", 20) == "What did Kim and…"
    assert shorten("short", 20) == "short"
