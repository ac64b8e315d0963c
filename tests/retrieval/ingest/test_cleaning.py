"""Cleaning: whitespace, boilerplate, dates and the reader-comment marking of forum threads."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from retrieval.ingest.cleaning import (
    BLOCK_SEPARATOR,
    build_blocks,
    normalise,
    strip_boilerplate,
)
from retrieval.ingest.comments import classify_lines
from retrieval.ingest.dates import parse_date, split_date_prefix
from retrieval.ingest.loaders import load_bytes, load_paths
from retrieval.models import Block, Document, PassageKind


def clean(raw: str) -> tuple[str, tuple[Block, ...]]:
    """The cleaning steps a loader runs on text with no headline to take off."""
    cleaned = strip_boilerplate(normalise(raw))
    return build_blocks(cleaned.lines, cleaned.footer_at)


REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO / "documents"
CORPUS = REPO / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not present next to the repository"
)
THREAD = "003_a5450687eba11f7a.txt"
VIDEO_PAGE = "004_61a07403e512a970.txt"


def _seed(name: str) -> Document:
    (doc,) = load_paths([SEEDS / name]).documents
    return doc


def _seed_lines(name: str) -> list[str]:
    return (SEEDS / name).read_text(encoding="utf-8").split("\n")


def _kind_of(doc: Document, fragment: str) -> PassageKind:
    at = doc.text.index(fragment)
    (block,) = [b for b in doc.blocks if b.start <= at < b.start + len(b.text)]
    return block.kind


def _assert_layout(doc: Document) -> None:
    assert doc.text == BLOCK_SEPARATOR.join(block.text for block in doc.blocks)
    for block in doc.blocks:
        assert doc.text[block.start : block.start + len(block.text)] == block.text
        assert block.text and block.text == block.text.strip()
    kinds = [block.kind for block in doc.blocks]
    assert all(a is not b for a, b in itertools.pairwise(kinds))  # runs are maximal


# --- whitespace --------------------------------------------------------------------------------


def test_normalise_collapses_spaces_but_keeps_paragraphs_and_lines() -> None:
    raw = "  First\u00a0 line\t here \r\nsecond\u200b line\r\n\r\n\r\n\n  Next   paragraph  \n"
    assert normalise(raw) == "First line here\nsecond line\n\nNext paragraph"


def test_hard_wrapped_newswire_text_is_unwrapped_but_tables_stay_rows() -> None:
    raw = (
        "The central bank said on Tuesday it would\n"
        "keep its key lending rate unchanged for\n"
        "another month, citing weak demand.\n"
        "    A spokesman added that the decision\n"
        "was unanimous.\n"
        "    Region     Rate   Change\n"
        "    North      4.5    nil\n"
    )
    assert normalise(raw) == (
        "The central bank said on Tuesday it would keep its key lending rate unchanged for "
        "another month, citing weak demand.\n"
        "A spokesman added that the decision was unanimous.\n"
        "Region Rate Change\n"
        "North 4.5 nil"
    )


def test_long_lines_are_never_joined() -> None:
    text = _seed_lines(THREAD)
    assert normalise("\n".join(text)).split("\n") == [line for line in text if line.strip()]


# --- boilerplate -------------------------------------------------------------------------------


def test_video_page_furniture_is_removed_and_its_sentences_kept() -> None:
    doc = _seed(VIDEO_PAGE)
    assert "91download.com" not in doc.text
    assert "download button" not in doc.text
    assert "Share on Twitter" not in doc.text and "Share on Facebook" not in doc.text
    assert "check out our comparison video" not in doc.text
    assert "video library" not in doc.text
    for kept in (
        "What could possibly bring together two leaders from nations with such vastly "
        "different ideologies and reputations?",
        "Let's delve into the mystery.",
        "The Cold War had just ended, and Russia was on the brink of joining NATO.",
        "Provoke us, and you risk facing a united front.",
        "The global order is changing, and the world must adapt.",
    ):
        assert kept in doc.text
    assert doc.text.endswith("The global order is changing, and the world must adapt.")
    # every other line of the file survives word for word
    for line in _seed_lines(VIDEO_PAGE)[1:-2]:
        assert line.strip() in doc.text
    assert all(block.kind is PassageKind.ARTICLE for block in doc.blocks)


def test_summariser_footer_is_removed_from_the_thread() -> None:
    doc = _seed(THREAD)
    assert "The original article contains" not in doc.text
    assert "I'm a bot" not in doc.text
    for line in _seed_lines(THREAD):
        if "original article contains" not in line:
            assert line.strip() in doc.text  # nothing else is lost


@pytest.mark.parametrize(
    "sentence",
    [
        "Shares in the company rose after it said users could download the update for free.",
        "Share prices on Facebook and Twitter fell sharply on Monday.",
        "Viewers can check out the full interview on the broadcaster's website.",
        "The summary of the report was published by the committee.",
        "The original article contains several errors, the editor said.",
        "Reuters reported the figures on Monday.",
    ],
)
def test_real_sentences_that_mention_furniture_words_are_kept(sentence: str) -> None:
    text, blocks = clean(f"A headline-free story.\n{sentence}\nThe end.")
    assert sentence in text
    assert all(block.kind is PassageKind.ARTICLE for block in blocks)


def test_call_to_action_sentences_go_but_the_rest_of_their_line_stays() -> None:
    line = "The tour ends in Paris. Don't forget to like and subscribe to our channel for more!"
    cleaned = strip_boilerplate(line)
    assert [item.text for item in cleaned.lines] == ["The tour ends in Paris."]


def test_wire_sign_off_is_dropped_only_at_the_end() -> None:
    text, _ = clean("Prices rose 2 pct.\nReuter said nothing else.\nTrade was thin (12.5). REUTER")
    assert text == "Prices rose 2 pct.\nReuter said nothing else.\nTrade was thin (12.5)."


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-11-09", dt.date(2023, 11, 9)),
        ("2024-03-05T08:30:00+00:00", dt.date(2024, 3, 5)),
        ("2024-03-05T08:30:00.123Z", dt.date(2024, 3, 5)),
        ("2024-03-05 08:30", dt.date(2024, 3, 5)),
        ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26)),
        ("3-MAR-1987  09:15:05.40", dt.date(1987, 3, 3)),
        ("27-MAR-1987 04:38:47.18M C F", dt.date(1987, 3, 27)),
        (dt.date(2020, 1, 2), dt.date(2020, 1, 2)),
        (dt.datetime(2020, 1, 2, 23, 59), dt.date(2020, 1, 2)),
        ("0001-01-01T00:00:00Z", None),
        ("2023-02-30", None),
        ("9-APR-1987 00:00:00.00    # date added by S Finch as guesswork", None),
        ("November 19, 2019", dt.date(2019, 11, 19)),  # written dates, as JSONL often has
        ("yesterday", None),
        ("", None),
        (None, None),
        (20231109, None),
    ],
)
def test_parse_date_reads_metadata_forms_only(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("text", "date", "rest"),
    [
        (" date 2023-11-09 The recent talks.", dt.date(2023, 11, 9), "The recent talks."),
        ("date 2023-11-09\nThe recent talks.", dt.date(2023, 11, 9), "The recent talks."),
        ("Date: 2023-11-09\n\nThe recent talks.", dt.date(2023, 11, 9), "\nThe recent talks."),
        ("date 2023-13-09 The talks.", None, "date 2023-13-09 The talks."),
        ("The talks on 2023-11-09 date back.", None, "The talks on 2023-11-09 date back."),
        ("dated 2023-11-09 letters", None, "dated 2023-11-09 letters"),
        ("date 2023-11-091 x", None, "date 2023-11-091 x"),
    ],
)
def test_date_prefix(text: str, date: dt.date | None, rest: str) -> None:
    assert split_date_prefix(text) == (date, rest)


# --- reader comments ---------------------------------------------------------------------------


def test_thread_seed_marks_reader_comments() -> None:
    doc = _seed(THREAD)
    _assert_layout(doc)
    lines = [line for line in _seed_lines(THREAD) if line.strip()]
    footer = next(i for i, line in enumerate(lines) if "original article contains" in line)
    comments = {1, 2, *range(footer + 1, len(lines))}
    assert len(comments) == 5
    for number, line in enumerate(lines):
        if number == footer:
            continue
        expected = PassageKind.COMMENT if number in comments else PassageKind.ARTICLE
        assert _kind_of(doc, line.strip()) is expected, line
    assert _kind_of(doc, "Kim was at Pyongyang International Airport") is PassageKind.ARTICLE
    assert _kind_of(doc, "Secretary of State Antony Blinken said Tuesday") is PassageKind.ARTICLE
    assert [block.kind for block in doc.blocks] == [
        PassageKind.ARTICLE,
        PassageKind.COMMENT,
        PassageKind.ARTICLE,
        PassageKind.COMMENT,
    ]


@pytest.mark.parametrize(
    "name",
    [
        "000_4521cd7ed207620f.txt",
        "001_c188ed1eebfaaab7.txt",
        "002_6c831982c0cbfdcb.txt",
        "004_61a07403e512a970.txt",
    ],
)
def test_normal_seed_articles_have_no_comments(name: str) -> None:
    doc = _seed(name)
    _assert_layout(doc)
    assert [block.kind for block in doc.blocks] == [PassageKind.ARTICLE]


@needs_corpus
@pytest.mark.slow
def test_no_bbc_article_is_marked_as_comment() -> None:
    """Columns, reviews and interviews say "I" and "you" a lot; they are still articles."""
    result = load_paths([CORPUS / "bbc"])
    assert len(result.documents) >= 2225
    marked = [
        doc.origin
        for doc in result.documents
        if any(block.kind is not PassageKind.ARTICLE for block in doc.blocks)
    ]
    assert marked == []


def test_a_conversational_thread_without_footer_is_detected() -> None:
    lines = [
        "Anyone know why the ferry was cancelled again?",
        "I think the crew were on strike, you can check the port website.",
        "We waited three hours yesterday and nobody told us anything.",
        "The port authority said the service resumes on Friday.",
        "Honestly I'd just take the bus at this point.",
    ]
    kinds = classify_lines(lines, None)
    assert kinds == [
        PassageKind.COMMENT,
        PassageKind.COMMENT,
        PassageKind.COMMENT,
        PassageKind.ARTICLE,
        PassageKind.COMMENT,
    ]


def test_a_first_person_column_is_not_a_thread() -> None:
    column = [
        "I have covered elections for twenty years, and this campaign feels different.",
        "The governing party has lost ground in every region since the spring.",
        "Its leader told supporters on Monday that the polls would turn.",
        "Few analysts share that view, and turnout is expected to be low.",
        "You only have to visit a market town to hear the frustration.",
    ]
    assert classify_lines(column, None) == [PassageKind.ARTICLE] * len(column)


def test_everything_after_a_bot_footer_is_comment_even_if_it_reads_like_news() -> None:
    data = (
        b"Talks between the two governments ended on Tuesday, officials said.\n"
        b"The next round is planned for March.\n"
        b"The original article contains 500 words, the summary contains 90 words. Saved 82%. "
        b"I'm a bot and I'm open source!\n"
        b"The next round is planned for March, according to the ministry.\n"
    )
    doc = load_bytes("thread.txt", data, origin="/t/thread.txt")[0]
    _assert_layout(doc)
    assert [(b.kind, b.text.count("\n") + 1) for b in doc.blocks] == [
        (PassageKind.ARTICLE, 2),
        (PassageKind.COMMENT, 1),
    ]


def test_wire_copy_is_not_mistaken_for_chat() -> None:
    """Regression: initials ("I.C.H."), gold "mine" and lower-case "us" grades read as pronouns."""
    wire = [
        "Acme Holdings Inc said it signed a letter of intent to get financing from I.C.H. Corp.",
        "The company said the mine will produce 41,000 ounces of gold a year.",
        "It said the mine would cost 22 mln dlrs to build, and mine life is ten years.",
        "us 1-3 210-250 lbs 49.50-50.50, few 49.00-51.00 at country points.",
        "us 1-3 300-650 lbs 40.00-44.00 at plants.",
    ]
    assert classify_lines(wire, None) == [PassageKind.ARTICLE] * len(wire)
    # even inside a thread (a bot footer after them) these reported lines stay ARTICLE
    assert classify_lines(wire, len(wire)) == [PassageKind.ARTICLE] * len(wire)
