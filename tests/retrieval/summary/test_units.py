"""The summary's parts on their own: sentences, dates, selection, name resolution, and guards that hold
even when text reaches the summariser without the ingest's cleaning."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.contract import summary_to_json
from retrieval.index.embeddings import MiniLMEmbedder, WordLlamaEmbedder
from retrieval.models import (
    Chunk,
    NoteKind,
    Passage,
    PassageKind,
    SearchFilters,
    Summary,
    SummaryKind,
    SummaryPoint,
    SummaryRequest,
    SummarySource,
    TimelineEntry,
    UnconfirmedItem,
)
from retrieval.summary import Summariser
from retrieval.summary.assemble import stated_dates
from retrieval.summary.gather import resolve_document
from retrieval.summary.keypoints import Draft, drop_repeats
from retrieval.summary.quotable import is_point_material, is_quotable, quotable_split
from retrieval.summary.select import representative

SEEDS = Path(__file__).resolve().parents[3] / "documents"


# --- sentences ------------------------------------------------------------------------------------
def test_scraped_breaks_are_repaired_and_abbreviations_kept() -> None:
    text = (
        "Intelligence sources had uncovered communications between. Moscow and Pyongyang "
        "regarding support. The U.S. Treasury said so on Monday. Mr. Smith agreed."
    )
    assert quotable_split(text) == [
        "Intelligence sources had uncovered communications between Moscow and Pyongyang "
        "regarding support.",
        "The U.S. Treasury said so on Monday.",
        "Mr. Smith agreed.",
    ]


def test_newswire_soft_wraps_are_joined_but_forum_lines_are_not() -> None:
    wire = "Showers continued throughout the week in\nthe Bahia cocoa zone, alleviating the\nDrought, the review said.\n    Arrivals were late."
    assert quotable_split(wire) == [
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
        "Drought, the review said.",
        "Arrivals were late.",
    ]
    forum = (
        "Who does North Korea follow if China starts doing special military operations towards "
        "separatist breakaway regions on the Russian side of the border\nTrump is probably so jealous."
    )
    assert quotable_split(forum)[-1] == "Trump is probably so jealous."


@pytest.mark.parametrize(
    "sentence",
    [
        "Share on Twitter Share on Facebook",
        "I'm a bot and I'm open source!",
        "The original article contains 924 words, the summary contains 218 words.",
        "Saved 76%.",
        "--- *** ---",
        "continued from the previous chunk without a capital letter at all.",
        "A sentence cut off at a chunk boundary without its",
    ],
)
def test_boilerplate_and_fragments_are_not_quotable(sentence: str) -> None:
    assert not is_quotable(sentence)


def test_reader_address_and_questions_are_not_points() -> None:
    assert not is_point_material("What drives this impromptu alliance between the two leaders?")
    assert not is_point_material("Now, if you're interested, check the library for more videos.")
    assert not is_point_material("Which have been strained by economic pressures and sanctions.")
    assert is_point_material("Kim greeted Putin at Pyongyang International Airport on Wednesday.")


# --- dates ----------------------------------------------------------------------------------------
def test_only_full_written_dates_count() -> None:
    sentence = (
        "The talks began on 13 September 2023, resumed on Sept. 14, 2023 and 2023-09-15, "
        "but not on Tuesday, nor in March 1987, nor on May 5, nor on 31 February 2023."
    )
    assert stated_dates(sentence) == [
        dt.date(2023, 9, 13),
        dt.date(2023, 9, 14),
        dt.date(2023, 9, 15),
    ]
    assert stated_dates("Kim greeted Putin in the early hours of Wednesday.") == []


# --- selection ------------------------------------------------------------------------------------
def test_representative_selection_covers_every_cluster_within_its_bound() -> None:
    rng = np.random.default_rng(7)
    centres = rng.normal(size=(5, 64))
    sizes = [1200, 400, 200, 150, 50]  # one dominant angle and four smaller ones
    rows = np.vstack(
        [c + 0.15 * rng.normal(size=(n, 64)) for c, n in zip(centres, sizes, strict=True)]
    )
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    labels = np.repeat(np.arange(5), sizes)
    documents = [f"doc{i}" for i in range(len(rows))]
    picks = representative(rows, np.ones(len(rows), dtype=np.float32), documents, limit=8)
    assert len(picks) == 8
    assert set(labels[picks]) == {0, 1, 2, 3, 4}


def test_representative_selection_caps_passages_per_document() -> None:
    rows = np.eye(6, dtype=np.float32)[[0, 0, 0, 0, 1, 2, 3, 4, 5]]
    documents = ["a", "a", "a", "a", "b", "c", "d", "e", "f"]
    weights = np.array([9, 9, 9, 9, 1, 1, 1, 1, 1], dtype=np.float32)
    picks = representative(rows, weights, documents, limit=6, max_per_document=2)
    assert sum(documents[i] == "a" for i in picks) <= 2


# --- names ----------------------------------------------------------------------------------------
def test_document_names_resolve_by_file_name_stem_or_title() -> None:
    known = [
        ("a.txt", "Putin visits Pyongyang"),
        ("b.md", "Oil prices fall"),
        ("c.txt", "Oil output"),
    ]
    assert resolve_document("A.TXT", known) == "a.txt"
    assert resolve_document("b", known) == "b.md"
    assert resolve_document("putin visits pyongyang", known) == "a.txt"
    assert resolve_document("prices", known) == "b.md"  # unique partial title
    assert resolve_document("oil", known) is None  # ambiguous: no guess
    assert resolve_document("  ", known) is None


# --- JSON -----------------------------------------------------------------------------------------
def test_json_contract_serialises_dates_and_kinds() -> None:
    summary = Summary(
        headline="Headline",
        points=(SummaryPoint("A point.", (1, 2)),),
        unconfirmed=(UnconfirmedItem("A rumour.", NoteKind.UNCONFIRMED, (2,)),),
        timeline=(TimelineEntry(dt.date(2023, 9, 13), "An event.", (1,)),),
        sources=(
            SummarySource(1, "a.txt", "A", "https://example.org/a", dt.date(2023, 9, 14)),
            SummarySource(2, "b.txt", "B", None, None),
        ),
    )
    assert summary_to_json(summary) == {
        "headline": "Headline",
        "points": [{"text": "A point.", "citations": [1, 2]}],
        "unconfirmed": [{"text": "A rumour.", "kind": "unconfirmed", "citations": [2]}],
        "timeline": [{"date": "2023-09-13", "text": "An event.", "citations": [1]}],
        "sources": [
            {
                "n": 1,
                "document": "a.txt",
                "title": "A",
                "url": "https://example.org/a",
                "date": "2023-09-14",
            },
            {"n": 2, "document": "b.txt", "title": "B", "url": None, "date": None},
        ],
        "mode": "extractive",
        "fallback_reason": None,
    }


# --- uncleaned text, and scale, through in-test doubles of the Searcher/ChunkSource protocols -------
def _chunk(
    source: str,
    position: int,
    text: str,
    kind: PassageKind = PassageKind.ARTICLE,
    date: dt.date | None = None,
) -> Chunk:
    digest = hashlib.sha256(f"{source}:{position}:{text}".encode()).hexdigest()[:16]
    return Chunk(digest, source, source, source, None, date, text, kind, position, 0, len(text))


class ListStore:
    """Searcher and ChunkSource over a list: lexical overlap ranking, filters as the store applies them."""

    def __init__(self, chunks: Sequence[Chunk]) -> None:
        self.items = list(chunks)
        self.requested_k: list[int] = []

    def _keep(self, chunk: Chunk, filters: SearchFilters | None) -> bool:
        if filters is None:
            return True
        if filters.documents and chunk.source not in filters.documents:
            return False
        if (filters.since or filters.until) and chunk.date is None:
            return False
        if filters.since and chunk.date and chunk.date < filters.since:
            return False
        return not (filters.until and chunk.date and chunk.date > filters.until)

    def search(
        self, query: str, *, k: int = 8, filters: SearchFilters | None = None
    ) -> list[Passage]:
        self.requested_k.append(k)
        words = set(query.lower().split())
        scored = [
            (len(words & set(c.text.lower().split())), c)
            for c in self.items
            if self._keep(c, filters)
        ]
        ranked = sorted((s for s in scored if s[0] > 0), key=lambda s: -s[0])[:k]
        return [Passage(c, float(s)) for s, c in ranked]

    def chunks(self, filters: SearchFilters | None = None) -> list[Chunk]:
        return [c for c in self.items if self._keep(c, filters)]


class CountingEmbedder:
    """The real embedder, recording how many texts each call embeds."""

    def __init__(self, inner: WordLlamaEmbedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dimension = inner.dimension
        self.batches: list[int] = []

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.batches.append(len(texts))
        return self.inner.embed_batch(texts)


def test_raw_seed_text_never_yields_boilerplate(wordllama: WordLlamaEmbedder) -> None:
    """Uncleaned seeds, one chunk per line: the summariser's own guard keeps promos and footers out."""
    chunks = [
        _chunk(path.name, i, line)
        for path in sorted(SEEDS.glob("*.txt"))
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines())
        if line.strip()
    ]
    summariser = Summariser(ListStore(chunks), ListStore(chunks), wordllama)
    for request in (
        SummaryRequest(SummaryKind.TOPIC, query="Putin Kim North Korea Russia weapons video"),
        SummaryRequest(SummaryKind.DOCUMENT, document="004_61a07403e512a970.txt"),
        SummaryRequest(SummaryKind.DOCUMENT, document="003_a5450687eba11f7a.txt"),
    ):
        rendered = str(summary_to_json(summariser.summarise(request))).lower()
        for phrase in (
            "91download",
            "share on twitter",
            "comparison video",
            "i'm a bot",
            "original article contains",
        ):
            assert phrase not in rendered, (request, phrase)


def test_a_topic_matching_thousands_of_passages_reads_a_bounded_selection(
    wordllama: WordLlamaEmbedder,
) -> None:
    topics = ["oil prices", "wheat harvest", "bank rates", "steel output", "coffee exports"]
    chunks = []
    for i in range(2000):
        topic = topics[i % 5]
        text = (
            f"Traders said {topic} moved sharply in session {i} as Company{i % 37} reported "
            f"{i % 13} mln dlrs of new orders. Analysts in City{i % 11} expect {topic} to stay volatile."
        )
        chunks.append(_chunk(f"wire-{i}", 0, text, date=dt.date(1987, 3, 1 + i % 28)))
    store = ListStore(chunks)
    embedder = CountingEmbedder(wordllama)
    summariser = Summariser(store, store, embedder, max_passages=60, candidates=300, shortlist=20)
    summary = summariser.summarise(SummaryRequest(SummaryKind.TOPIC, query="traders analysts said"))
    assert not summary.empty and 3 <= len(summary.points) <= 7
    assert max(embedder.batches) <= 20  # only the short list is ever embedded
    assert len(summary.sources) <= 60
    assert store.requested_k == [300]  # the searcher ranks the 2,000 matches; we read the top 300


def test_a_judge_model_drops_a_point_that_repeats_a_better_one(minilm: MiniLMEmbedder) -> None:
    texts = [
        "OPEC agreed to cut its oil production ceiling to 15.8 mln barrels per day.",
        "Wheat exports from France reached a record in February, officials said.",
        "The OPEC agreement cut the oil output ceiling to 15.8 mln barrels daily.",
        "Japan's trade surplus with the United States narrowed in January.",
    ]
    drafts = [Draft(text, [i]) for i, text in enumerate(texts)]
    assert [d.text for d in drop_repeats(drafts, minilm, min_points=3)] == [
        texts[0],
        texts[1],
        texts[3],
    ]
    assert len(drop_repeats(drafts, minilm, min_points=4)) == 4  # never below the minimum
