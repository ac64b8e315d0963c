"""Summaries of the bundled seed documents, through the real store, search, ingest and claim assessor."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from bot.wiring import build_summariser
from retrieval.claims import ClaimAssessor
from retrieval.contract import summary_to_json
from retrieval.engine import Engine
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.models import (
    Chunk,
    PassageKind,
    SearchFilters,
    Summary,
    SummaryKind,
    SummaryRequest,
)
from retrieval.settings import Settings
from retrieval.summary import Summariser
from retrieval.summary.assemble import stated_dates

SEEDS = Path(__file__).resolve().parents[3] / "documents"
WEAPONS_REPORT = "002_6c831982c0cbfdcb.txt"
BOILERPLATE = (
    "91download",
    "Share on Twitter",
    "Share on Facebook",
    "check out our comparison video",
    "I'm a bot",
    "original article contains",
)


@pytest.fixture(scope="module")
def summariser(
    seed_engine: Engine, wordllama: WordLlamaEmbedder, minilm: MiniLMEmbedder
) -> Summariser:
    """Built as the entry point builds it (no language model configured)."""
    return build_summariser(
        seed_engine.searcher,
        seed_engine.store,
        wordllama,
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        assessor=ClaimAssessor(),
        repeat_checker=minilm,
        today=lambda: dt.date(2023, 11, 12),
    )


@pytest.fixture(scope="module")
def alliance(summariser: Summariser) -> Summary:
    return summariser.summarise(
        SummaryRequest(SummaryKind.TOPIC, query="the North Korea-Russia alliance")
    )


def _documents(summary: Summary, numbers: tuple[int, ...]) -> set[str]:
    by_n = {s.n: s.document for s in summary.sources}
    return {by_n[n] for n in numbers}


def _chunks(engine: Engine) -> list[Chunk]:
    return engine.store.chunks(None)


def test_topic_points_cite_at_least_three_seed_documents(alliance: Summary) -> None:
    assert not alliance.empty
    assert 3 <= len(alliance.points) <= 7
    cited = set().union(*(_documents(alliance, p.citations) for p in alliance.points))
    assert len(cited) >= 3, cited
    assert all(p.citations for p in alliance.points)


def test_every_citation_is_a_listed_source(alliance: Summary) -> None:
    numbers = {s.n for s in alliance.sources}
    assert sorted(numbers) == list(range(1, len(numbers) + 1))
    used = [
        *(p.citations for p in alliance.points),
        *(u.citations for u in alliance.unconfirmed),
        *(t.citations for t in alliance.timeline),
    ]
    assert set(itertools.chain.from_iterable(used)) == numbers


def test_unconfirmed_includes_the_weapons_request_report(alliance: Summary) -> None:
    from_report = [
        u
        for u in alliance.unconfirmed
        if WEAPONS_REPORT in _documents(alliance, u.citations) and "weapons" in u.text.lower()
    ]
    assert from_report, [u.text for u in alliance.unconfirmed]
    assert from_report[0].kind.value == "unconfirmed"
    # The same hedged claim must not also be stated as a key point.
    assert not any("seeking assistance in the form of weapons" in p.text for p in alliance.points)


def test_timeline_only_has_dates_the_sources_state(alliance: Summary, seed_engine: Engine) -> None:
    assert alliance.timeline, "the two dated seeds give at least their publication date"
    texts: dict[str, list[str]] = {c.source: [] for c in _chunks(seed_engine)}
    for chunk in _chunks(seed_engine):
        texts[chunk.source].append(chunk.text)
    dates = {s.n: s.date for s in alliance.sources}
    documents = {s.n: s.document for s in alliance.sources}
    assert [t.date for t in alliance.timeline] == sorted(t.date for t in alliance.timeline)
    for entry in alliance.timeline:
        if entry.text.startswith("Source published: "):
            assert all(dates[n] == entry.date for n in entry.citations)
        else:
            assert entry.date in stated_dates(entry.text)
            assert any(entry.text in " ".join(texts[documents[n]]) for n in entry.citations)


def test_undated_sources_stay_undated(alliance: Summary, seed_engine: Engine) -> None:
    stored = {d.source: d.date for d in seed_engine.documents()}
    for source in alliance.sources:
        assert source.date == stored[source.document]
    undated = {s.n for s in alliance.sources if s.date is None}
    assert undated, "seeds 002-004 have no date and must be listed as undated"
    assert not any(set(t.citations) & undated for t in alliance.timeline)


def test_no_boilerplate_and_no_reader_comment_as_a_point(
    alliance: Summary, seed_engine: Engine
) -> None:
    rendered = json.dumps(summary_to_json(alliance), ensure_ascii=False)
    for phrase in BOILERPLATE:
        assert phrase.lower() not in rendered.lower()
    comments = " ".join(c.text for c in _chunks(seed_engine) if c.kind is PassageKind.COMMENT)
    for point in alliance.points:
        assert point.text not in comments


def test_points_do_not_repeat_each_other(
    alliance: Summary, wordllama: WordLlamaEmbedder, minilm: MiniLMEmbedder
) -> None:
    for model in (wordllama, minilm):
        vectors = model.embed_batch([p.text for p in alliance.points])
        similarity = vectors @ vectors.T
        np.fill_diagonal(similarity, 0.0)
        assert float(similarity.max()) <= 0.8, model.name
    assert len({p.text for p in alliance.points}) == len(alliance.points)


def test_json_keys_are_exact(alliance: Summary) -> None:
    data = summary_to_json(alliance)
    assert list(data) == [
        *("headline", "points", "unconfirmed", "timeline", "sources"),
        *("mode", "fallback_reason"),
    ]
    assert all(set(p) == {"text", "citations"} for p in data["points"])
    assert all(set(u) == {"text", "kind", "citations"} for u in data["unconfirmed"])
    assert all(set(t) == {"date", "text", "citations"} for t in data["timeline"])
    assert all(set(s) == {"n", "document", "title", "url", "date"} for s in data["sources"])
    for entry in data["timeline"]:
        assert dt.date.fromisoformat(entry["date"])
    json.dumps(data)  # serialisable as is
    assert "\n" not in data["headline"] and data["headline"]


def test_document_summary_by_title_or_file_name(
    summariser: Summariser, seed_engine: Engine
) -> None:
    info = next(d for d in seed_engine.documents() if d.source == WEAPONS_REPORT)
    by_name = summariser.summarise(SummaryRequest(SummaryKind.DOCUMENT, document=WEAPONS_REPORT))
    by_title = summariser.summarise(
        SummaryRequest(SummaryKind.DOCUMENT, document=info.title.upper())
    )
    by_stem = summariser.summarise(
        SummaryRequest(SummaryKind.DOCUMENT, document=Path(WEAPONS_REPORT).stem)
    )
    for summary in (by_name, by_title, by_stem):
        assert not summary.empty
        assert {s.document for s in summary.sources} == {WEAPONS_REPORT}
        assert summary.points
    assert by_name.points == by_title.points == by_stem.points


def test_unknown_document_is_an_empty_summary(summariser: Summariser) -> None:
    summary = summariser.summarise(SummaryRequest(SummaryKind.DOCUMENT, document="no-such-file"))
    assert summary.empty and not summary.points and not summary.sources
    assert "no-such-file" in summary.headline


def test_latest_uses_publication_dates_only(summariser: Summariser) -> None:
    summary = summariser.summarise(SummaryRequest(SummaryKind.LATEST, days=7))
    assert not summary.empty
    assert {s.date for s in summary.sources} == {dt.date(2023, 11, 9)}
    too_early = summariser.summarise(SummaryRequest(SummaryKind.LATEST, days=3))
    assert too_early.empty  # 2023-11-09 is four days before "today"


def test_without_an_assessor_nothing_is_flagged(
    seed_engine: Engine, wordllama: WordLlamaEmbedder
) -> None:
    plain = Summariser(seed_engine.searcher, seed_engine.store, wordllama)
    summary = plain.summarise(SummaryRequest(SummaryKind.TOPIC, query="North Korea Russia"))
    assert summary.points and not summary.unconfirmed
    comments = " ".join(
        c.text for c in seed_engine.store.chunks(None) if c.kind is PassageKind.COMMENT
    )
    assert not any(p.text in comments for p in summary.points)


def test_date_range_with_no_dated_match_is_empty(summariser: Summariser) -> None:
    summary = summariser.summarise(
        SummaryRequest(SummaryKind.TOPIC, query="North Korea", since=dt.date(2024, 1, 1))
    )
    assert summary.empty
    summary = summariser.summarise(
        SummaryRequest(SummaryKind.TOPIC, query="North Korea", until=dt.date(2023, 11, 9))
    )
    assert {s.date for s in summary.sources} == {dt.date(2023, 11, 9)}


def test_store_reads_filter_like_the_summary(seed_engine: Engine) -> None:
    """The latest window relies on the store's date filter leaving undated chunks out."""
    dated = seed_engine.store.chunks(SearchFilters(since=dt.date(2023, 1, 1)))
    assert dated and all(c.date is not None for c in dated)
