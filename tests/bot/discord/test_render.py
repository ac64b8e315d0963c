from __future__ import annotations

import dataclasses
import datetime as dt

import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import present
from bot.discord import embeds as layout
from bot.discord.ask import render
from bot.discord.sources import render as sources_render
from bot.discord.summary import render as summary_render
from retrieval.models import (
    Answer,
    AnswerSentence,
    Note,
    NoteKind,
    PassageKind,
    SummaryKind,
    SummaryPoint,
    SummaryRequest,
)
from retrieval.safety import web_url
from tests.bot.fakes import abstention, citation, document_info, sample_answer, sample_summary


def all_text(messages: layout.Messages) -> str:
    parts = []
    for embeds in messages:
        for e in embeds:
            parts += [e.title or "", e.description or ""]
            parts += [f"{f.name}\n{f.value}" for f in e.fields]
            parts.append(e.footer.text or "")
    return "\n".join(parts)


def assert_within_limits(messages: layout.Messages) -> None:
    for embeds in messages:
        assert 1 <= len(embeds) <= layout.EMBEDS_PER_MESSAGE
        assert sum(len(e) for e in embeds) <= layout.EMBED_TOTAL_LIMIT
        for e in embeds:
            assert len(e.title or "") <= layout.TITLE_LIMIT
            assert len(e.description or "") <= layout.DESCRIPTION_LIMIT
            assert len(e.fields) <= layout.FIELDS_PER_EMBED
            for f in e.fields:
                assert len(f.name or "") <= layout.FIELD_NAME_LIMIT
                assert 0 < len(f.value or "") <= layout.FIELD_VALUE_LIMIT
            assert len(e.footer.text or "") <= layout.FOOTER_LIMIT


def field(messages: layout.Messages, name: str) -> str:
    return "\n".join(
        f.value or "" for embeds in messages for e in embeds for f in e.fields if f.name == name
    )


def test_answer_has_markers_linked_sources_and_visible_notes() -> None:
    messages = render.answer_messages(sample_answer())
    assert len(messages) == 1
    first = messages[0][0]
    assert first.title == "What happened?"
    assert first.description == (
        "North Korea sent artillery to Russia [1]. A reader thinks it is a bluff [2]."
    )
    sources = field(messages, "Sources")
    # Linked with angle brackets (no preview); documents without a URL are plain text.
    assert "[1] [Title 1](<https://example.org/artillery>) - 2023-11-09" in sources
    assert "[2] Comments - 2023-11-09 · reader comment" in sources
    notes = field(messages, "⚠️ Notes")
    assert "**Unconfirmed:** The transfer was reported by one US official. [1]" in notes
    assert "**Reader comment:** This is a reader's comment, not reporting. [2]" in notes
    assert (messages[0][-1].footer.text or "").startswith(render.DONE_FOOTER)


def test_markers_are_added_from_sentence_citations_when_missing() -> None:
    answer = sample_answer(
        text="Kim met Putin. Then left.",
        sentences=(AnswerSentence("Kim met Putin.", (1, 2)), AnswerSentence("Then left.", ())),
    )
    assert render.answer_body(answer) == "Kim met Putin. [1][2] Then left."
    # Text that has its markers is used exactly as the engine wrote it.
    as_written = sample_answer(text="Kim met Putin [1].", sentences=answer.sentences)
    assert render.answer_body(as_written) == "Kim met Putin [1]."


def test_markdown_in_news_text_and_titles_is_escaped() -> None:
    answer = sample_answer(
        text="The **bold** claim_x > [link](http://evil) [1].",
        citations=(citation(1, title="A [weird] _title_", url="https://example.org/x"),),
    )
    messages = render.answer_messages(answer)
    description = messages[0][0].description or ""
    assert "\\*\\*bold\\*\\*" in description and "claim\\_x" in description
    assert "\\[link](http://evil)" in description
    assert "[1] [A \\[weird\\] \\_title\\_](<https://example.org/x>)" in field(messages, "Sources")


def test_quoted_passages_are_escaped_block_quotes() -> None:
    quote = "Line one with **stars** and `code`.\n> fake quote\n@everyone look"
    messages = render.passages_messages("q", [citation(1, quote=quote, url=None)])
    embed = messages[0][0]
    assert embed.title == "[1] Title 1"
    text = embed.description or ""
    assert all(line.startswith("> ") for line in text.split("\n"))
    assert "\\*\\*stars\\*\\*" in text and "\\`code\\`" in text
    assert "> \\> fake quote" in text
    assert embed.footer.text == "doc1.txt · 2023-11-09"


def test_long_passages_split_into_valid_quotes_without_loss() -> None:
    quote = " ".join(f"Sentence number {i} is here." for i in range(600))
    messages = render.passages_messages("q", [citation(1, quote=quote), citation(2)])
    assert_within_limits(messages)
    joined = " ".join(
        (e.description or "").removeprefix("> ") for embeds in messages for e in embeds
    )
    for i in range(600):
        assert f"Sentence number {i} is here." in joined


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.builds(
            lambda words, n: AnswerSentence(" ".join(words) + ".", (n,)),
            st.lists(st.text("abcdefghij", min_size=1, max_size=10), min_size=1, max_size=40),
            st.integers(1, 30),
        ),
        min_size=1,
        max_size=150,
    ),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_any_answer_renders_within_limits_and_keeps_every_sentence(
    answer_sentences: list[AnswerSentence], n_notes: int, n_sources: int
) -> None:
    answer = sample_answer(
        text=" ".join(s.text for s in answer_sentences),
        sentences=tuple(answer_sentences),
        citations=tuple(citation(i + 1, title=f"Source {i} " * 5) for i in range(n_sources)),
        notes=tuple(
            Note(NoteKind.DISPUTED, f"Note {i} " + "x " * 60, (1,)) for i in range(n_notes)
        ),
    )
    messages = render.answer_messages(answer)
    assert_within_limits(messages)
    descriptions = " ".join(e.description or "" for embeds in messages for e in embeds)
    for s in answer_sentences:
        expected = f"{s.text} {present.markers(s.citations)}"
        assert expected in descriptions
    text = all_text(messages)
    for i in range(n_notes):
        assert f"Note {i} " in text
    for i in range(n_sources):
        assert f"[{i + 1}] [Source {i}" in text


def test_long_answer_is_split_at_sentence_boundaries() -> None:
    body = " ".join(f"Claim {i} is reported by the agency [1]." for i in range(400))
    answer = sample_answer(text=body, sentences=())
    messages = render.answer_messages(answer)
    assert_within_limits(messages)
    descriptions = [e.description or "" for embeds in messages for e in embeds]
    assert len(descriptions) >= 4
    for d in descriptions:
        if d:
            assert d.endswith("[1].")  # every piece ends at a sentence end
    assert " ".join(d for d in descriptions if d).split() == body.split()


def test_abstention_is_short_friendly_and_shows_notices() -> None:
    answer = abstention()
    messages = render.answer_messages(answer)
    assert messages[0][0].description == render.ABSTAIN_TEXT
    assert len(render.ABSTAIN_TEXT) < 200
    notice = sample_answer(notices=("the language model was unavailable",), abstained=True)
    assert "the language model was unavailable" in all_text(render.answer_messages(notice))


def test_an_abstention_with_a_reason_shows_it_after_the_friendly_sentence() -> None:
    answer = Answer(
        question="Who won the 2019 final?",
        text="The documents cover 2018 and 2021, not 2019.",
        abstained=True,
    )
    description = render.answer_messages(answer)[0][0].description or ""
    assert description.startswith(render.ABSTAIN_TEXT)
    assert description.endswith("The documents cover 2018 and 2021, not 2019.")
    plain = Answer(question="Q?", text="The documents don't cover that.", abstained=True)
    assert render.answer_messages(plain)[0][0].description == render.ABSTAIN_TEXT


def test_notices_are_shown_on_answers() -> None:
    answer = sample_answer(notices=("the language model was unavailable",))
    assert field(render.answer_messages(answer), "ℹ️ Notice") == (
        "the language model was unavailable"
    )


def test_draft_is_marked_writing_and_final_is_marked_done() -> None:
    draft = render.draft_embed("What happened?", "North Korea sent")
    assert draft.footer.text == render.WRITING_FOOTER
    assert draft.description == "North Korea sent"
    long = render.draft_embed("q", "word " * 2000)
    assert len(long.description or "") <= layout.DESCRIPTION_LIMIT
    final = render.answer_messages(sample_answer(mode="llm"))
    assert final[0][-1].footer.text == (
        f"{render.DONE_FOOTER} · written by the language model, checked against its sources"
    )


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("extractive", "quoted from the sources"),
        ("llm_fallback", "quoted from the sources: the language model's answer could not be used"),
    ],
)
def test_the_footer_says_who_answered(mode: str, words: str) -> None:
    footer = render.answer_messages(sample_answer(mode=mode))[0][-1].footer.text
    assert footer == f"{render.DONE_FOOTER} · {words}"


def test_summary_has_all_sections_and_linked_sources() -> None:
    request = SummaryRequest(kind=SummaryKind.TOPIC, query="Russia North Korea")
    messages = summary_render.summary_messages(sample_summary(), request)
    assert_within_limits(messages)
    embed = messages[0][0]
    assert embed.title == "North Korea and Russia draw closer"
    assert "• Kim and Putin met at a rare summit. [1]" in (embed.description or "")
    assert "**Unconfirmed:** North Korea may have asked" in field(messages, "⚠️ What is unconfirmed")
    assert "`2023-09-13` Summit at Vostochny. [1]" in field(messages, "🗓️ Timeline")
    sources = field(messages, "Sources")
    assert "[1] [Summit report](<https://example.org/summit>) - 2023-09-14" in sources
    assert "[2] Artillery report - undated" in sources
    assert messages[-1][-1].footer.text == "Topic: Russia North Korea"


def test_huge_summary_spreads_over_messages_without_loss() -> None:
    points = tuple(SummaryPoint(f"Point {i} " + "word " * 150, (1,)) for i in range(60))
    request = SummaryRequest(kind=SummaryKind.LATEST, days=3)
    messages = summary_render.summary_messages(sample_summary(points=points), request)
    assert_within_limits(messages)
    assert len(messages) > 1
    text = all_text(messages)
    for i in range(60):
        assert f"• Point {i} " in text


def test_empty_summary_says_so() -> None:
    request = SummaryRequest(kind=SummaryKind.DOCUMENT, document="x.txt")
    messages = summary_render.summary_messages(sample_summary(empty=True), request)
    assert messages[0][0].title == "Nothing to summarise"
    assert messages[0][0].footer.text == "Document: x.txt"


def test_document_listing_attaches_the_full_list_when_long() -> None:
    docs = [document_info(f"d{i}.txt", f"Title {i}", day=1 + i % 28) for i in range(100)]
    messages, full = sources_render.documents_listing(docs, shown=10)
    assert_within_limits(messages)
    assert messages[0][0].title == "100 documents in the collection"
    assert full is not None and len(full.strip().split("\n")) == 100
    small, none = sources_render.documents_listing(docs[:3])
    assert none is None and "d0.txt - Title 0 (2023-11-01, 3 chunks)" in all_text(small)


def test_embeds_survive_a_round_trip_through_dicts() -> None:
    messages = summary_render.summary_messages(
        sample_summary(), SummaryRequest(kind=SummaryKind.LATEST, days=1)
    )
    again = [discord.Embed.from_dict(e.to_dict()) for e in messages[0]]
    assert [e.to_dict() for e in again] == [e.to_dict() for e in messages[0]]


def test_reader_comment_label_only_when_all_cited_passages_are_comments() -> None:
    answer = sample_answer(
        citations=(citation(1), citation(2, kind=PassageKind.COMMENT)),
        notes=(Note(NoteKind.OPINION, "Mixed.", (1, 2)),),
    )
    assert "**Opinion:** Mixed. [1][2]" in field(render.answer_messages(answer), "⚠️ Notes")


def test_undated_sources_say_undated() -> None:
    line = layout.source_line((3,), "T", None, None)
    assert line == "[3] T - undated"
    assert present.format_date(dt.date(2024, 1, 2)) == "2024-01-02"


def test_passages_of_one_document_share_a_source_line() -> None:
    answer = sample_answer(
        citations=(
            citation(1, document="a.txt", title="Alliance"),
            citation(2, document="b.txt", title="Visit"),
            citation(3, document="a.txt", title="Alliance"),
            citation(4, document="a.txt", title="Alliance", kind=PassageKind.COMMENT),
        ),
        notes=(),
    )
    lines = field(render.answer_messages(answer), "Sources").splitlines()
    assert lines == [
        "[1][3] [Alliance](<https://example.org/a>) - 2023-11-09",
        "[2] [Visit](<https://example.org/a>) - 2023-11-09",
        "[4] [Alliance](<https://example.org/a>) - 2023-11-09 · reader comment",
    ]


def test_a_stored_url_cannot_add_a_link_or_run_script() -> None:
    # Stores built before ingest checked URLs may hold these; rendering checks them again.
    phish = "https://news.example/ok>) [**OFFICIAL: all clear**](https://evil.example/phish"
    answer = sample_answer(
        citations=(citation(1, url=phish), citation(2, url="javascript:alert(1)")),
    )
    messages = render.answer_messages(answer)
    sources = field(messages, "Sources")
    assert "evil.example/phish)" not in sources and "](https://evil" not in sources
    assert sources.count("](<") == 1  # one link, to news.example, its brackets encoded
    assert "[1] [Title 1](<https://news.example/ok%3E%29%20%5B" in sources
    assert "[2] Title 2 - 2023-11-09" in sources  # no link at all for javascript:
    assert messages[0][0].url in (None, web_url(phish))


def test_an_undated_collection_is_said_once_in_the_listing() -> None:
    import dataclasses

    dated = [document_info("a.txt", "A"), document_info("b.txt", "B")]
    undated = [dataclasses.replace(d, date=None) for d in dated]
    assert present.UNDATED_COLLECTION not in all_text(sources_render.documents_listing(dated)[0])
    assert present.UNDATED_COLLECTION in all_text(sources_render.documents_listing(undated)[0])


PAGE = "https://newsbot.example/sources/{}#c{}"


def test_with_source_pages_every_marker_opens_its_passage() -> None:
    cited = (
        citation(1, url="https://example.org/artillery", page=PAGE.format("a" * 24, "11")),
        citation(
            2,
            url=None,
            kind=PassageKind.COMMENT,
            title="Comments",
            page=PAGE.format("b" * 24, "22"),
        ),
    )
    messages = render.answer_messages(sample_answer(citations=cited))
    assert_within_limits(messages)
    first = PAGE.format("a" * 24, "11")
    second = PAGE.format("b" * 24, "22")
    assert messages[0][0].description == (
        f"North Korea sent artillery to Russia [\\[1\\]](<{first}>). "
        f"A reader thinks it is a bluff [\\[2\\]](<{second}>)."
    )
    sources = field(messages, "Sources")
    # The title keeps the original's address; a document without one links to its page.
    assert f"[\\[1\\]](<{first}>) [Title 1](<https://example.org/artillery>)" in sources
    assert f"[\\[2\\]](<{second}>) [Comments](<{second}>)" in sources
    assert (
        f"**Unconfirmed:** The transfer was reported by one US official. [\\[1\\]](<{first}>)"
        in (field(messages, "⚠️ Notes"))
    )
    # The Sources button's passages open on the passage too.
    passages = render.passages_messages("q", cited)
    assert [e.url for embeds in passages for e in embeds if e.title] == [first, second]


def test_without_source_pages_markers_stay_plain() -> None:
    assert "](" not in (render.answer_messages(sample_answer())[0][0].description or "")


def test_summary_markers_open_the_source_pages() -> None:
    summary = sample_summary()
    page = "https://newsbot.example/sources/" + "c" * 24
    linked = dataclasses.replace(
        summary,
        sources=tuple(
            dataclasses.replace(s, page=page) if s.n == 2 else s for s in summary.sources
        ),
    )
    request = SummaryRequest(kind=SummaryKind.TOPIC, query="Russia North Korea")
    messages = summary_render.summary_messages(linked, request)
    assert f"Artillery was reportedly moved to Russia. [\\[2\\]](<{page}>)" in (
        messages[0][0].description or ""
    )
    assert f"[\\[2\\]](<{page}>) [Artillery report](<{page}>) - undated" in field(
        messages, "Sources"
    )
